import Foundation

extension Process {
    /// Waits for the process to exit, for at most `seconds`; past that it is killed (SIGKILL) and
    /// false is returned, so that a stuck child fails its test instead of hanging the whole suite.
    @discardableResult
    public func waitForExit(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { usleep(10_000) }
        guard isRunning else { return true }
        kill(processIdentifier, SIGKILL)
        waitUntilExit()
        return false
    }
}
