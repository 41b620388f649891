import Foundation
import MarginShared

/// Reads exports of other tools, including the ones that need an HTML parser (Pocket's HTML
/// export); the rest are MarginShared's `LibraryFormat`.
public enum LibraryImporter {
    /// The library an export holds.
    public static func parse(_ data: Data, format: LibraryFormat) throws(LibraryError) -> Library {
        if format == .pocket && ArticleImporter.looksLikeHTML(data) { return try PocketHTML.parse(data) }
        if format == .omnivore && ZipArchive.isZip(data) { return try omnivoreZip(data) }
        return try format.parse(data)
    }

    /// Omnivore's export zip: `metadata_*.json` lists of saved items, and `content/SLUG.html`, the
    /// readable page of each, whose text becomes the article's.
    static func omnivoreZip(_ data: Data) throws(LibraryError) -> Library {
        let archive = try ZipArchive(data)
        var items: [Any] = []
        for name in archive.entries.keys.sorted() where name.hasSuffix(".json") && name.contains("metadata") {
            guard let list = (try? JSONSerialization.jsonObject(with: archive.entries[name]!)) as? [Any] else {
                throw LibraryError("\(name) in the Omnivore export is not a JSON list")
            }
            items += list
        }
        guard !items.isEmpty else { throw LibraryError("the zip holds no Omnivore metadata_*.json") }
        let json: Data
        do {
            json = try JSONSerialization.data(withJSONObject: items)
        } catch {
            throw LibraryError("the Omnivore metadata cannot be read: \(error)")
        }
        var library = try LibraryFormat.omnivore.parse(json)
        for case let object as [String: Any] in items {
            guard let slug = object["slug"] as? String, let url = object["url"] as? String,
                let page = archive.entries["content/\(slug).html"],
                let article = try? PageImporter.importHTML(page, url: url)
            else { continue }
            let key = LibraryItem(url: url, title: "").sourceKey
            if let index = library.items.firstIndex(where: { $0.sourceKey == key }) {
                library.items[index].text = article.content
            }
        }
        return library
    }

    /// The format of an export, when only one fits its first bytes; nil for anything else (a
    /// web page or a plain text to import as an article).
    public static func detect(_ data: Data) -> LibraryFormat? {
        if ArticleImporter.looksLikeHTML(data) { return PocketHTML.isPocketExport(data) ? .pocket : nil }
        if ZipArchive.isZip(data) { return .omnivore }
        return LibraryFormat.detect(data)
    }
}
