import Foundation
import MarginShared

/// The notebook the Kindle apps export ("Export notebook"): a `bookTitle` and `authors`, then for
/// each entry a `noteHeading` (`Highlight(yellow) - Page 29 · Location 364`, `Note - Location
/// 364`) and its `noteText`. Each entry is read as the same entry of `My Clippings.txt`, by the
/// one reader of Kindle's kinds, places and colours, so notes go on their highlights as there.
enum KindleNotebookHTML {
    /// Whether `data` is such a notebook.
    static func isNotebook(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(8192), as: UTF8.self)
        return head.contains("noteHeading") && (head.contains("bookTitle") || head.contains("noteText"))
    }

    static func parse(_ data: Data) throws(LibraryError) -> Library {
        let document: HTMLDocument
        do {
            document = try HTMLDocument.parse(data)
        } catch {
            throw LibraryError("the Kindle notebook cannot be read: \(error)")
        }
        let entries = withExtendedLifetime(document) { Self.entries(in: document.root) }
        guard !entries.notes.isEmpty else { throw LibraryError("no highlights in the Kindle notebook") }
        // As the clippings file writes them: `Title (Author)`, the heading's parts between bars.
        let book = entries.author.map { "\(entries.title) (\($0))" } ?? entries.title
        var clippings = ""
        var firstLines: [Int] = []
        var line = 1
        for (heading, text) in entries.notes {
            firstLines.append(line)
            let meta =
                "- "
                + heading.replacingOccurrences(of: " · ", with: " | ")
                .replacingOccurrences(of: " > ", with: " | ").replacing(" - ", with: " | ", maxReplacements: 1)
            let entry = "\(book)\n\(meta)\n\n\(text)\n==========\n"
            clippings += entry
            line += entry.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
        }
        var library = try LibraryFormat.kindle.parse(Data(clippings.utf8))
        // The book as the notebook names it: a title ending in parentheses, with no author, would
        // read back as title and author.
        if library.items.count == 1,
            library.items[0].title != entries.title || library.items[0].author != entries.author
        {
            var book = LibraryItem(url: nil, title: entries.title, author: entries.author)
            book.highlights = library.items[0].highlights
            book.bookmarks = library.items[0].bookmarks
            var named = Library()
            _ = named.item(book.sourceKey) { book }
            named.notUnderstood = library.notUnderstood
            named.folded = library.folded
            library = named
        }
        // Entries named by their place in the notebook, not by a line of the text made here.
        library.notUnderstood = library.notUnderstood.map { name in
            guard let number = Int(name.dropFirst("line ".count)),
                let index = firstLines.lastIndex(where: { $0 <= number })
            else { return name }
            return "entry \(index + 1)"
        }
        return library
    }

    /// The book's title and author, and each entry's heading and text, in document order. An
    /// entry's text is the `noteText` after its heading, or inside it: some exports never close
    /// the heading, and the parser puts the text within.
    private static func entries(
        in root: HTMLElement
    ) -> (title: String, author: String?, notes: [(heading: String, text: String)]) {
        var title = ""
        var author: String?
        var notes: [(String, String)] = []
        var heading: String?
        for element in root.descendants() {
            let classes = (element["class"] ?? "").split(separator: " ")
            if classes.contains("bookTitle"), title.isEmpty {
                title = element.innerText
            } else if classes.contains("authors"), author == nil {
                let name = element.innerText
                let bare = name.lowercased().hasPrefix("by ") ? String(name.dropFirst(3)) : name
                author = bare.isEmpty ? nil : bare
            } else if classes.contains("noteHeading") {
                var text = element.innerText
                if let inner = element.firstDescendant(where: { ($0["class"] ?? "").contains("noteText") }) {
                    let innerText = inner.innerText
                    if text.hasSuffix(innerText) { text = String(text.dropLast(innerText.count)) }
                }
                heading = text.trimmingCharacters(in: .whitespaces)
            } else if classes.contains("noteText"), let current = heading {
                notes.append((current, element.textContent.trimmingCharacters(in: .whitespacesAndNewlines)))
                heading = nil
            }
        }
        return (title.isEmpty ? "Kindle notebook" : title, author, notes)
    }
}
