import Foundation

/// Fuzz target: any bytes as a document to import (text, or an HTML page through libxml2 and the
/// extractor). The importer must refuse
/// or import without crashing, and every article it makes must be valid as a record's content.
func fuzzImporter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let document = Data(bytes: data, count: size)
    guard let articles = try? PageImporter.importDocument(document) else { return 0 }
    for article in articles {
        precondition(!article.id.isEmpty, "an imported article without an id")
    }
    return 0
}
