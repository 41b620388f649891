import Foundation
import MarginShared

/// The HTML exports of read-later services: a heading per folder over a list of links.
/// Pocket's (`ril_export.html`): `<h1>Unread</h1>` and `<h1>Read Archive</h1>`, each over
/// `<a href time_added tags>Title</a>`. Instapaper's: `<h1>Unread</h1>`, `<h1>Archive</h1>`,
/// `<h1>Starred</h1>` and one per folder of the reader's own, over `<a href>Title</a>`.
enum ReadLaterHTML {
    /// The format an HTML export's head names, when it is one of these.
    static func format(of data: Data) -> LibraryFormat? {
        let head = String(decoding: data.prefix(4096), as: UTF8.self).lowercased()
        if head.contains("pocket export") || head.contains("time_added=") { return .pocket }
        if head.contains("instapaper: export") { return .instapaper }
        return nil
    }

    static func parse(_ data: Data, format: LibraryFormat) throws(LibraryError) -> Library {
        let document: HTMLDocument
        do {
            document = try HTMLDocument.parse(data)
        } catch {
            throw LibraryError("the \(format.rawValue) export cannot be read: \(error)")
        }
        var library = Library()
        var folder = ""
        var number = 0
        func walk(_ element: HTMLElement) {
            for child in element.elements {
                if child.tag == "h1" { folder = child.innerText.trimmingCharacters(in: .whitespacesAndNewlines) }
                if child.tag == "a" {
                    number += 1
                    guard let href = child["href"], href.hasPrefix("http") else {
                        library.notUnderstood.append("link \(number)")
                        continue
                    }
                    let title = child.innerText
                    var item = LibraryItem(url: href, title: title.isEmpty ? href : title)
                    item.addedAt = child["time_added"].flatMap(LibraryFormat.time)
                    item.tags = (child["tags"] ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
                    Self.file(&item, in: folder, format: format)
                    // Listed under two folders (starred and archived): one article, with both.
                    library.add(item)
                    continue
                }
                walk(child)
            }
        }
        withExtendedLifetime(document) { walk(document.root) }
        if library.items.isEmpty { throw LibraryError("no saved links in the \(format.rawValue) export") }
        return library
    }

    /// What the folder a link is listed under says of it.
    private static func file(_ item: inout LibraryItem, in folder: String, format: LibraryFormat) {
        let name = folder.lowercased()
        if format == .pocket {
            item.archived = name.contains("archive")
            return
        }
        switch name {
        case "", "unread": item.archived = false
        case "archive": item.archived = true
        case "starred": item.favorite = true
        default: item.tags.append(folder)
        }
    }
}
