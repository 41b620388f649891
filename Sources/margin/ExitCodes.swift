import Foundation
import MarginClient
import MarginShared

/// The exit codes of `margin`, after BSD's sysexits: a script can tell a usage error from a
/// server that is away, a session to renew, or input to fix.
enum ExitCodes {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let unavailable: Int32 = 69
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74
    static let temporaryFailure: Int32 = 75
    static let protocolError: Int32 = 76
    static let notLoggedIn: Int32 = 77

    /// For `margin --help` and the README.
    static let table = """
        Exit codes: 0 done; 1 other failure; 64 usage error; 65 bad data (a document, an id, an edit \
        the rules refuse); 66 no such input file; 69 server unavailable; 73 cannot write the output; \
        74 I/O error; 75 try again (another sync of this profile, too many attempts, the store busy); \
        76 the server refused the request; 77 not logged in or the session was revoked.
        """

    /// The code for an error a command let through, or nil for argument-parser's own.
    static func code(for error: any Error) -> Int32? {
        switch error {
        case let failure as CommandFailure: return failure.code
        case let error as StoreError: return storeCode(error)
        case let error as SyncError:
            switch error {
            case .unauthorized: return notLoggedIn
            case .rejected, .refused: return protocolError
            case .unavailable: return unavailable
            case .store(let error): return storeCode(error)
            case .busy, .cancelled: return temporaryFailure
            }
        case let error as AccountError:
            switch error {
            case .invalidServer: return usage
            case .refused(let status, _) where status == 401: return notLoggedIn
            case .refused(let status, _) where status == 429 || status == 503: return temporaryFailure
            case .refused: return protocolError
            case .notLoggedIn: return notLoggedIn
            case .unavailable: return unavailable
            case .store(let error): return storeCode(error)
            }
        case let error as PageFetcher.FetchError:
            if case .status = error { return protocolError }
            return unavailable
        case is ImportError: return dataError
        default: return nil
        }
    }

    /// Named apart from `code(for:)`: with the same name, overload resolution picked that one for
    /// a `StoreError` too, which called itself until the stack ran out.
    static func storeCode(_ error: StoreError) -> Int32 {
        switch error.code {
        case .notFound, .ambiguous, .invalidInput, .corrupt, .newerSchema: dataError
        case .locked: temporaryFailure
        case .io: ioError
        }
    }
}

/// A runtime failure of a command, with its exit code (not a usage error: those stay
/// argument-parser's `ValidationError`).
struct CommandFailure: Error, CustomStringConvertible {
    let code: Int32
    let description: String

    init(_ code: Int32, _ description: String) {
        self.code = code
        self.description = description
    }
}
