import MarginShared

/// An account on the server. Its id is never given to another account, even after a delete.
public struct User: Hashable, Sendable {
    /// The account's internal number.
    public let id: Int64
    /// The login name.
    public let name: String
    /// When the account was made, in milliseconds since 1970.
    public let createdAt: Int64
}

/// One of a user's machines: the replica id its edits carry and the name it last logged in with.
public struct Device: Hashable, Sendable {
    /// The replica id of the machine's store.
    public let replica: ReplicaID
    /// The machine's name, as its login gave it (its host name by default).
    public let name: String
    /// When that login was, in milliseconds since 1970.
    public let seenAt: Int64

    /// A device.
    public init(replica: ReplicaID, name: String, seenAt: Int64) {
        self.replica = replica
        self.name = name
        self.seenAt = seenAt
    }
}

/// A position in one user's change feed: every change with a higher sequence number is after it.
public struct Cursor: Hashable, Sendable {
    /// Identifies the store that issued the cursor; another store's cursors are not valid here.
    public let epoch: String
    /// The last sequence number the holder has seen.
    public let sequence: Int64

    /// A cursor at `sequence` of the store `epoch`.
    public init(epoch: String, sequence: Int64) {
        self.epoch = epoch
        self.sequence = sequence
    }

    /// The opaque text form handed to clients.
    public var token: String { "\(epoch).\(sequence)" }

    /// Parses the text form, or returns nil when it is not one.
    public init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        // Exactly the spec's pattern: ASCII letters and digits, a dot, 1 to 19 digits (no sign).
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.allSatisfy(Self.isLetterOrDigit),
            (1...19).contains(parts[1].utf8.count), parts[1].utf8.allSatisfy(Self.isDigit),
            let sequence = Int64(parts[1])
        else { return nil }
        self.epoch = String(parts[0])
        self.sequence = sequence
    }
}

extension Cursor {
    /// Checks that a feed of store `epoch` standing at `latest`, with deletes forgotten up to
    /// `purged`, can continue from `since`: same store, not before forgotten deletes, not ahead.
    static func check(_ since: Cursor?, epoch: String, latest: Int64, purged: Int64) throws(SyncStoreError) {
        if let since, since.epoch != epoch || since.sequence < purged || since.sequence > latest {
            throw .cursorExpired
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}

/// One page of a change feed: current states (as stored canonical JSON), oldest change first.
public struct ChangePage: Sendable {
    /// Canonical JSON of each changed record's current state.
    public var states: [[UInt8]]
    /// Where the next page starts.
    public var cursor: Cursor
    /// Whether more changes follow.
    public var more: Bool
    /// Whether this answers a push-only request (limit 0): no page, only the span of its writes.
    public var pushOnly = false
    /// For a push-only request: the feed's position just before its writes, which span `base` to
    /// `cursor`; the request's own `since` when the feed stood there (so nil for a null `since` on
    /// an empty feed).
    public var base: Cursor?
}

/// What a push did.
public struct PushOutcome: Sendable, Equatable {
    /// Records whose stored state changed.
    public var merged = 0
    /// Conflicting fields created by this push.
    public var conflictsCreated = 0
    /// Times the push found its account's feed moved by another writer between its read and its
    /// write, and read again.
    public var retries = 0
}

/// Why the store refused a request.
public enum SyncStoreError: Error, Equatable, Sendable {
    /// A pushed record (at `index` in the request) cannot merge with the stored one (say, a
    /// changed article id).
    case invalidRecord(id: String, index: Int, RecordError)
    /// The cursor predates what the store still holds (tombstones purged) or comes from another store.
    case cursorExpired
    /// A user of that name already exists.
    case userExists(String)
    /// No user of that name (or id): never created, or deleted.
    case noSuchUser(String)
    /// The session is not there: logged out already, or its account deleted.
    case noSuchSession
    /// The database cannot be reached (or its address is wrong); try again later.
    case unavailable(String)
}

/// The server's storage: accounts, sessions and every user's records with their change sequence.
///
/// Implementations serialize writes per user, so a reader never passes a change that commits
/// later with a lower sequence number.
public protocol SyncStore: Sendable {
    /// Creates an account with an already-hashed password.
    func createUser(name: String, passwordHash: String) async throws -> User
    /// The account and its password hash, or nil.
    func user(named name: String) async throws -> (User, passwordHash: String)?
    /// Every account, by name.
    func users() async throws -> [User]
    /// Deletes an account with its sessions and records.
    func deleteUser(named name: String) async throws
    /// Stores a new session token's hash for a user.
    func createSession(userID: Int64, tokenHash: String, device: String?) async throws
    /// The user a session token hash belongs to, or nil when unknown or revoked.
    func user(forTokenHash tokenHash: String) async throws -> User?
    /// Revokes a session; throws `SyncStoreError.noSuchSession` when there was none.
    func deleteSession(tokenHash: String) async throws
    /// Remembers the name of the user's machine whose edits carry `replica` (the newest name wins).
    func nameDevice(userID: Int64, replica: ReplicaID, name: String) async throws
    /// The session's account's named machines, by name; they outlive the sessions that named them.
    ///
    /// This and the feed's requests check `session` in their own transaction and throw
    /// `SyncStoreError.noSuchSession` when it was revoked (or its account deleted) by anyone.
    func devices(session: Session) async throws -> [Device]
    /// Merges pushed states into the session's account's records, then reads the changes after `since`, in one
    /// transaction. Records whose stored state equals what was pushed are not returned.
    ///
    /// With `limit` 0 (push only) the page holds just the pushed records stored differently than
    /// pushed, and spans this request's own writes: from `base` to `cursor`.
    func sync(
        session: Session, pushed: [DecodedRecord], since: Cursor?, limit: Int
    ) async throws -> (PushOutcome, ChangePage)
    /// The changes after `since`, without pushing anything.
    func changes(session: Session, since: Cursor?, limit: Int) async throws -> ChangePage
    /// Forgets deleted records last changed before `cutoff` (milliseconds since 1970); returns how many.
    func purgeTombstones(before cutoff: Int64) async throws -> Int
    /// Calls `wake` with a user's id when another server instance stored changes of theirs, and
    /// with nil when some may have been missed (every waiter must look again), until cancelled.
    /// A store that one process owns has nothing to report: its pushes wake waiters directly.
    func watchOtherInstances(_ wake: @escaping @Sendable (Int64?) -> Void) async throws
}

extension SyncStore {
    /// One process owns the store: nothing to watch.
    public func watchOtherInstances(_ wake: @escaping @Sendable (Int64?) -> Void) async throws {}
}

extension SyncStoreError: CustomStringConvertible {
    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidRecord(let id, let index, let error): "record \(id) (changes[\(index)]): \(error)"
        case .cursorExpired: "the cursor has expired"
        case .userExists(let name): "the user \(name) exists already"
        case .noSuchUser(let name): "no user \(name)"
        case .noSuchSession: "no such session"
        case .unavailable(let detail): "the database is unavailable: \(detail)"
        }
    }
}
