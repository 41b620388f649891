import Foundation
import MarginShared

/// Pocket's HTML export (`ril_export.html`): `<h1>Unread</h1>` and `<h1>Read Archive</h1>`, each
/// over a list of `<a href time_added tags>Title</a>`.
enum PocketHTML {
    static func isPocketExport(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(4096), as: UTF8.self).lowercased()
        return head.contains("pocket export") || head.contains("time_added=")
    }

    static func parse(_ data: Data) throws(LibraryError) -> Library {
        let document: HTMLDocument
        do {
            document = try HTMLDocument.parse(data)
        } catch {
            throw LibraryError("the Pocket export cannot be read: \(error)")
        }
        var library = Library()
        var archived = false
        var number = 0
        func walk(_ element: HTMLElement) {
            for child in element.elements {
                if child.tag == "h1" { archived = child.innerText.lowercased().contains("archive") }
                if child.tag == "a" {
                    number += 1
                    guard let href = child["href"], href.hasPrefix("http") else {
                        library.notUnderstood.append("link \(number)")
                        continue
                    }
                    let title = child.innerText
                    var item = LibraryItem(url: href, title: title.isEmpty ? href : title)
                    item.addedAt = child["time_added"].flatMap { Int64($0) }.map { $0 * 1000 }
                    item.tags = (child["tags"] ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
                    item.archived = archived
                    _ = library.item(item.sourceKey) { item }
                    continue
                }
                walk(child)
            }
        }
        withExtendedLifetime(document) { walk(document.root) }
        if library.items.isEmpty { throw LibraryError("no saved links in the Pocket export") }
        return library
    }
}
