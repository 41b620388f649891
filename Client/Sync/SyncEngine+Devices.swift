import Foundation
import MarginShared

extension SyncEngine {
    /// Fetches the names of the account's machines and keeps them in the store, so that conflicts
    /// name the machine that wrote each version, offline too; returns them.
    @discardableResult
    public func refreshDevices() async throws(SyncError) -> [ReplicaID: String] {
        let request = TransportRequest(
            method: "GET", url: "\(server)/v1/devices", headers: ["Authorization": "Bearer \(token)"])
        let response: TransportResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw .unavailable(error.description)
        }
        switch response.status {
        case 200: break
        case 401: throw .unauthorized(Self.detail(response))
        default: throw .rejected(status: response.status, detail: Self.detail(response))
        }
        guard case .array(let entries)? = (try? JSONValue.parse(response.body))?["devices"] else {
            throw .rejected(status: 200, detail: "the server's answer is not a list of devices")
        }
        var names: [ReplicaID: String] = [:]
        for entry in entries {
            guard let replica = entry["replica"]?.string.flatMap(ReplicaID.init), let name = entry["name"]?.string
            else { continue }
            names[replica] = name
        }
        do {
            try store.rememberDevices(names)
        } catch {
            throw .store(error)
        }
        return names
    }
}
