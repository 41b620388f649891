import Foundation
import MarginShared

/// Reads exports of other tools, including the ones that need an HTML parser (Pocket's and
/// Instapaper's HTML exports, the Kindle apps' notebook); the rest are MarginShared's `LibraryFormat`.
public enum LibraryImporter {
    /// The library an export holds.
    public static func parse(_ data: Data, format: LibraryFormat) throws(LibraryError) -> Library {
        if format == .pocket || format == .instapaper, ArticleImporter.looksLikeHTML(data) {
            return try ReadLaterHTML.parse(data, format: format)
        }
        if format == .kindle && ArticleImporter.looksLikeHTML(data) { return try KindleNotebookHTML.parse(data) }
        if format == .omnivore && ZipArchive.isZip(data) {
            return try omnivore(ZipArchive(data).entries, in: "the zip")
        }
        if format == .pocket && ZipArchive.isZip(data) { return try pocket(ZipArchive(data).entries, in: "the zip") }
        return try format.parse(data)
    }

    /// An export unzipped into a folder (as a browser may do with a download): Omnivore's or
    /// Pocket's, named by `format` or recognised by its files, read as its zip would be.
    public static func parse(folder: URL, format: LibraryFormat?) throws(LibraryError) -> (Library, LibraryFormat) {
        let folder = try ExportFolder(at: folder)
        guard let format = format ?? Self.format(ofFiles: Array(folder.paths.keys)) else {
            throw LibraryError("the folder holds no export Margin reads (an Omnivore or Pocket export unzipped)")
        }
        switch format {
        case .omnivore: return (try omnivore(folder.files(), in: "the folder"), format)
        case .pocket: return (try pocket(folder.files(), in: "the folder"), format)
        default:
            throw LibraryError("a folder is read as an Omnivore or Pocket export, not as a \(format.rawValue) export")
        }
    }

    /// Omnivore's export: `metadata_*.json` lists of saved items; `content/SLUG.html`, the
    /// readable page of each, whose text becomes the article's; and `highlights/SLUG.md`, the
    /// highlights and notes made in it.
    static func omnivore(_ files: [String: Data], in container: String) throws(LibraryError) -> Library {
        var items: [Any] = []
        for name in files.keys.sorted() where name.hasSuffix(".json") && name.contains("metadata") {
            guard let list = (try? JSONSerialization.jsonObject(with: files[name]!)) as? [Any] else {
                throw LibraryError("\(name) in the Omnivore export is not a JSON list")
            }
            items += list
        }
        guard !items.isEmpty else { throw LibraryError("\(container) holds no Omnivore metadata_*.json") }
        let json: Data
        do {
            json = try JSONSerialization.data(withJSONObject: items)
        } catch {
            throw LibraryError("the Omnivore metadata cannot be read: \(error)")
        }
        var library = try LibraryFormat.omnivore.parse(json)
        // By key, not a search of every item per item: an export of thousands was quadratic.
        let positions = Dictionary(
            library.items.enumerated().map { ($1.sourceKey, $0) }, uniquingKeysWith: { first, _ in first })
        for case let object as [String: Any] in items {
            guard let slug = object["slug"] as? String, let url = object["url"] as? String,
                let index = positions[LibraryItem(url: url, title: "").sourceKey]
            else { continue }
            if let page = files["content/\(slug).html"],
                let article = try? PageImporter.importHTML(page, url: url)
            {
                library.items[index].text = article.content
            }
            if let file = files["highlights/\(slug).md"] {
                let markdown = String(decoding: file, as: UTF8.self)
                for highlight in LibraryFormat.omnivoreHighlights(markdown)
                where !library.items[index].highlights.contains(where: { $0.quote == highlight.quote }) {
                    library.items[index].highlights.append(highlight)
                }
            }
        }
        return library
    }

    /// Pocket's export (`part_*.csv`, and highlights in `annotations/part_*.json`), its parts in
    /// name order.
    static func pocket(_ files: [String: Data], in container: String) throws(LibraryError) -> Library {
        let names = files.keys.sorted()
        let parts = names.filter { $0.hasSuffix(".csv") }.map { files[$0]! }
        guard !parts.isEmpty else { throw LibraryError("\(container) holds no Pocket part_*.csv") }
        let annotations = names.filter { $0.hasSuffix(".json") && $0.contains("annotations") }.map {
            (name: $0, data: files[$0]!)
        }
        return try LibraryFormat.pocketExport(csvParts: parts, annotations: annotations)
    }

    /// Which export a set of files is: Pocket's holds CSV parts; Omnivore's, metadata JSON.
    static func format(ofFiles names: [String]) -> LibraryFormat? {
        let metadata = names.contains { $0.hasSuffix(".json") && $0.contains("metadata") }
        if metadata { return .omnivore }
        return names.contains { $0.hasSuffix(".csv") } ? .pocket : nil
    }

    /// The format of an export, when only one fits its first bytes; nil for anything else (a
    /// web page or a plain text to import as an article).
    public static func detect(_ data: Data) -> LibraryFormat? {
        if ArticleImporter.looksLikeHTML(data) {
            return KindleNotebookHTML.isNotebook(data) ? .kindle : ReadLaterHTML.format(of: data)
        }
        if ZipArchive.isZip(data) {
            // A zip that cannot be read is named Omnivore's, whose reader says what is wrong with it.
            return format(ofFiles: (try? ZipArchive(data))?.entries.keys.map { $0 } ?? []) ?? .omnivore
        }
        return LibraryFormat.detect(data)
    }
}
