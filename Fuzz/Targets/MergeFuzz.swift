import Foundation

/// Fuzz target: up to three records separated by NUL bytes, made states of one record (the
/// first's id, kind and article), then merged every way: the merge laws must hold and equal
/// states must encode to the same bytes.
func fuzzMerge(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parts = UnsafeBufferPointer(start: data, count: size).split(separator: 0, maxSplits: 2)
    var states: [RecordState] = []
    for part in parts {
        guard let decoded = try? WireFormat.decodeRecord(Array(part)) else { continue }
        var state = decoded.state
        if let first = states.first {
            guard state.kind == first.kind else { continue }
            state = RecordState(
                id: first.id, kind: first.kind, articleID: first.articleID, context: state.context,
                fields: state.fields, tags: state.tags, tombstones: state.tombstones)
        }
        states.append(state)
    }
    guard let a = states.first else { return 0 }
    let b = states.count > 1 ? states[1] : a
    let c = states.count > 2 ? states[2] : b
    func merge(_ x: RecordState, _ y: RecordState) -> RecordState { try! RecordState.merge(x, y) }
    let ab = merge(a, b)
    let ba = merge(b, a)
    precondition(ab == ba, "merge is not commutative")
    precondition(WireFormat.bytes(ab) == WireFormat.bytes(ba), "equal merges encode differently")
    precondition(merge(a, a) == a, "merge is not idempotent")
    precondition(merge(ab, a) == ab && merge(ab, b) == ab, "a merge does not absorb its inputs")
    let left = merge(ab, c)
    let right = merge(a, merge(b, c))
    precondition(left == right, "merge is not associative")
    precondition(WireFormat.bytes(left) == WireFormat.bytes(right), "associative merges encode differently")
    let decoded = try! WireFormat.decodeRecord(WireFormat.bytes(left), limits: .unlimited)
    precondition(decoded.state == left, "a merge does not survive its encoding")
    return 0
}
