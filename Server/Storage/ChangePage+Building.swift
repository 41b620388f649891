extension ChangePage {
    /// The answer to a push that needs no read of the feed, or nil when it needs one: a push-only
    /// request (`limit` 0) gets what it stored differently and the span its writes took; a pusher
    /// that was up to date gets back only what its push changed differently.
    static func afterPush(
        echoes: [[UInt8]], from start: Int64, to sequence: Int64, since: Cursor?, limit: Int, merged: Int,
        pageBytes: Int, epoch: String
    ) -> ChangePage? {
        let cursor = Cursor(epoch: epoch, sequence: sequence)
        if limit == 0 {
            var page = ChangePage(states: echoes, cursor: cursor, more: false)
            page.pushOnly = true
            // Where the request's own cursor already stood, the client's own token comes back
            // (null stays null), so a client that never synced can place the span as well.
            page.base = start == (since?.sequence ?? 0) ? since : Cursor(epoch: epoch, sequence: start)
            return page
        }
        if (since?.sequence ?? 0) == start && merged <= limit && echoes.reduce(0, { $0 + $1.count }) <= pageBytes {
            return ChangePage(states: echoes, cursor: cursor, more: false)
        }
        return nil
    }
}

/// Builds a page from the feed's rows, read oldest first: up to `limit` changes within `maxBytes`
/// (at least one, so that a record bigger than any page still travels, alone), leaving out what
/// the pusher already holds.
struct PageBuilder {
    let limit: Int
    let maxBytes: Int
    let skip: [String: [UInt8]]
    private var states: [[UInt8]] = []
    private var bytes = 0
    private var rows = 0
    private var last: Int64
    private var more = false

    /// A page of the changes after `after`.
    init(after: Int64, limit: Int, maxBytes: Int, skip: [String: [UInt8]]) {
        self.limit = limit
        self.maxBytes = maxBytes
        self.skip = skip
        last = after
    }

    /// Takes the next row; false once the page is full (then more follows).
    mutating func take(id: String, state: [UInt8], sequence: Int64) -> Bool {
        rows += 1
        guard rows <= limit, states.isEmpty || bytes + state.count <= maxBytes else {
            more = true
            return false
        }
        last = sequence
        if let pushed = skip[id], pushed == state { return true }
        bytes += state.count
        states.append(state)
        return true
    }

    /// The page; its cursor is the feed's newest position when nothing more follows.
    func page(latest: Int64, epoch: String) -> ChangePage {
        ChangePage(states: states, cursor: Cursor(epoch: epoch, sequence: more ? last : latest), more: more)
    }
}
