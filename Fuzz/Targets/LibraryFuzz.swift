import Foundation

/// Fuzz target: any bytes as an export of every format another tool writes (text, CSV, JSON,
/// Markdown, HTML or zip). Each reader must refuse or read without crashing, and what it reads
/// must hold no empty quote and no item without a key.
func fuzzLibrary(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let export = Data(bytes: data, count: size)
    _ = LibraryImporter.detect(export)
    for format in LibraryFormat.allCases {
        guard let library = try? LibraryImporter.parse(export, format: format) else { continue }
        for item in library.items {
            precondition(!item.sourceKey.isEmpty, "an item without a key (\(format))")
            for highlight in item.highlights {
                precondition(!highlight.quote.isEmpty, "an empty quote (\(format))")
            }
        }
    }
    return 0
}
