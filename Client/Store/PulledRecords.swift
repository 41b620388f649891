import Foundation
import MarginShared

/// A pulled page's records as the store takes them: most read in place from the page's body
/// (`RecordSummary`), the rest decoded, each of those with its row. Made where the page was
/// decoded: storing a page is the one step of a first sync that cannot run beside the others.
struct PulledRecords: Sendable {
    /// One record of the page.
    enum Item: Sendable {
        /// Read in place from `body`.
        case summary(RecordSummary)
        /// Decoded, with its row.
        case decoded(DecodedRecord, RecordRow)
    }

    /// The body the summaries point into.
    let body: Data
    /// The records, in the page's order.
    let items: [Item]

    /// Records decoded elsewhere.
    init(_ records: [DecodedRecord]) {
        body = Data()
        items = records.map { .decoded($0, RecordRow($0.state)) }
    }

    /// The records of a change page's `body`, read with `ChangeEnvelope.inPlace`.
    init(page body: Data, limits: RecordLimits) throws(EnvelopeError) {
        // Summaries are offsets into the bytes read, which this keeps.
        self.body = body
        items = try ChangeEnvelope.inPlace(body, limits: limits).pageRecords.map { record in
            switch record {
            case .summary(let summary): .summary(summary)
            case .decoded(let decoded): .decoded(decoded, RecordRow(decoded.state))
            }
        }
    }

    /// How many records the page holds.
    var count: Int { items.count }

    /// The ids of the records.
    var ids: [String] {
        body.withUnsafeBytes { body in
            items.map { item in
                switch item {
                case .summary(let summary): String(decoding: body[summary.id], as: UTF8.self)
                case .decoded(let record, _): record.state.id
                }
            }
        }
    }
}
