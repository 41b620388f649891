import Foundation
import HummingbirdBcrypt
import MarginShared
import NIOPosix

/// Makes and checks passwords and session tokens.
public struct Credentials: Sendable {
    /// The bcrypt cost (12 by default: about 0.3 s a hash on this class of machine).
    public var bcryptCost: UInt8 = 12

    /// Credentials with a bcrypt cost.
    public init(bcryptCost: UInt8 = 12) {
        self.bcryptCost = bcryptCost
    }

    /// A slow salted hash of `password`, computed off the cooperative thread pool.
    public func hash(password: String) async throws -> String {
        let cost = bcryptCost
        let digest = Self.prehash(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(digest, cost: cost) }
    }

    /// Whether `password` matches `hash`, checked off the cooperative thread pool.
    public func verify(password: String, hash: String) async throws -> Bool {
        let digest = Self.prehash(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(digest, hash: hash) }
    }

    /// A hash of a random password at this cost, for checking logins of unknown users against.
    public func dummyHash() -> String {
        Bcrypt.hash(Self.prehash(Self.newToken()), cost: bcryptCost)
    }

    /// Bcrypt reads only 72 bytes; hashing first makes every byte of a long password count.
    static func prehash(_ password: String) -> String {
        SHA256.hex(password)
    }

    /// A new session token: 256 random bits, base64url.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// What the server stores of a token: its SHA-256.
    public static func tokenHash(_ token: String) -> String {
        SHA256.hex(token)
    }

    /// What a password must be, in words.
    public static let passwordRule = "a password has 8 to 1024 characters"

    /// Whether a password is acceptable: 8 to 1024 Unicode code points (as the OpenAPI minLength counts).
    public static func isValidPassword(_ password: String) -> Bool {
        (8...1024).contains(password.unicodeScalars.count)
    }

    /// Whether a name is acceptable: 1–64 of lowercase letters, digits, '.', '_' and '-'.
    public static func isValidUsername(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
            }
    }
}
