import Foundation
import MarginShared

/// Reads exports of other tools, including the ones that need an HTML parser (Pocket's HTML
/// export); the rest are MarginShared's `LibraryFormat`.
public enum LibraryImporter {
    /// The library an export holds.
    public static func parse(_ data: Data, format: LibraryFormat) throws(LibraryError) -> Library {
        if format == .pocket && ArticleImporter.looksLikeHTML(data) { return try PocketHTML.parse(data) }
        return try format.parse(data)
    }

    /// The format of an export, when only one fits its first bytes; nil for anything else (a
    /// web page or a plain text to import as an article).
    public static func detect(_ data: Data) -> LibraryFormat? {
        if ArticleImporter.looksLikeHTML(data) { return PocketHTML.isPocketExport(data) ? .pocket : nil }
        return LibraryFormat.detect(data)
    }
}
