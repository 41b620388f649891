import Foundation

/// Where a profile keeps its session token: a file here, a keychain in an app.
public protocol TokenStore: Sendable {
    /// The saved token, or nil when there is none.
    func load() throws(StoreError) -> String?
    /// Saves `token`, replacing any other.
    func save(_ token: String) throws(StoreError)
    /// Forgets the token.
    func delete() throws(StoreError)
}

/// The default token store: one file only its owner may read (0600).
public struct FileTokenStore: TokenStore {
    /// The token file.
    public let path: String

    /// A token file at `path`.
    public init(path: String) {
        self.path = path
    }

    /// The token file of the profile folder `home`.
    public init(home: String) {
        self.init(path: (home as NSString).appendingPathComponent("token"))
    }

    /// The saved token, or nil when there is none.
    public func load() throws(StoreError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw StoreError(.io, "cannot read the token file \(path)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    /// Saves `token`: the file is made 0600 before the token is written into it.
    public func save(_ token: String) throws(StoreError) {
        do {
            let temporary = path + ".new"
            _ = FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600])
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data(token.utf8))
            try handle.close()
            // A rename: a reader sees the old token or the new one, never half of one or none.
            guard rename(temporary, path) == 0 else {
                throw StoreError(.io, "cannot save the token in \(path): \(String(cString: strerror(errno)))")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.io, "cannot save the token in \(path): \(error.localizedDescription)")
        }
    }

    /// Forgets the token.
    public func delete() throws(StoreError) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw StoreError(.io, "cannot remove the token file \(path): \(error.localizedDescription)")
        }
    }
}
