print("margin-server")
