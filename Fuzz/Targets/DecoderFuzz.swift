import Foundation

/// Fuzz target: any bytes as a sync body. Decoding must refuse or accept without crashing,
/// and what it accepts must encode to canonical bytes that decode back to the same states.
func fuzzDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let envelope = try? ChangeEnvelope.decode(bytes, maxRecords: 1_000) else { return 0 }
    for record in envelope.records {
        let again = try! WireFormat.decodeRecord(record.bytes, limits: .unlimited)
        precondition(again.state == record.state, "canonical bytes decode to another state")
        precondition(again.bytes == record.bytes, "canonical bytes are not canonical")
        precondition(WireFormat.bytes(record.state) == record.bytes, "kept bytes differ from the encoding")
    }
    return 0
}
