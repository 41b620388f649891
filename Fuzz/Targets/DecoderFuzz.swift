import Foundation

/// Fuzz target: any bytes as a sync body. Decoding must refuse or accept without crashing,
/// and what it accepts must encode to canonical bytes that decode back to the same states. A
/// record read in place must be one the full decoder takes as canonical, with the same columns.
func fuzzDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    if let page = try? ChangeEnvelope.inPlace(bytes) {
        for case .summary(let summary) in page.pageRecords {
            let record = try! WireFormat.decodeRecord(UnsafeBufferPointer(rebasing: bytes[summary.bytes]))
            let state = record.state
            precondition(record.bytes.elementsEqual(bytes[summary.bytes]), "read in place, yet not canonical")
            precondition(String(decoding: bytes[summary.id], as: UTF8.self) == state.id, "another id")
            precondition(summary.articleID.map { String(decoding: bytes[$0], as: UTF8.self) } == state.articleID)
            precondition(summary.kind == state.kind && summary.createdAt == state.createdAt, "another kind or time")
            precondition(summary.title == (state.kind == .article ? state.string("title") : nil), "another title")
            precondition(summary.latestStamp == state.latestStamp, "another latest stamp")
            precondition(!state.isDeleted && state.conflicts.isEmpty, "read in place, yet deleted or in conflict")
        }
    }
    guard let envelope = try? ChangeEnvelope.decode(bytes, maxRecords: 1_000) else { return 0 }
    for record in envelope.records {
        let again = try! WireFormat.decodeRecord(record.bytes, limits: .unlimited)
        precondition(again.state == record.state, "canonical bytes decode to another state")
        precondition(again.bytes == record.bytes, "canonical bytes are not canonical")
        precondition(WireFormat.bytes(record.state) == record.bytes, "kept bytes differ from the encoding")
    }
    return 0
}
