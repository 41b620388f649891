import Foundation

/// Kindle's `My Clippings.txt`: entries separated by `==========`, each a title line
/// (`Title (Author)`), a line of kind, page, location and date, a blank line, then the text.
enum KindleClippings {
    static func parse(_ text: String) -> Library {
        var library = Library()
        // Split and trimmed in Swift: Foundation's string methods bridge to NSString on Linux,
        // and over a file of tens of thousands of clippings they took a third of the import.
        let lines = text.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        ).map { line in
            // Kindle starts each entry with a byte order mark.
            line.unicodeScalars.first == "\u{FEFF}" ? Substring(line.unicodeScalars.dropFirst()) : line
        }
        var entry: [Substring] = []
        var entryLine = 1
        var notes: [(item: Int, note: String, position: Int?, location: String, createdAt: Int64?)] = []
        var finders: [Int: ResizeFinder] = [:]
        func finish() {
            defer { entry = [] }
            let content = entry.drop { $0.allSatisfy(\.isWhitespace) }
            guard !content.isEmpty else { return }
            let body = Array(content)
            guard body.count >= 2, let meta = Meta(body[1]) else {
                library.notUnderstood.append("line \(entryLine + entry.count - content.count)")
                return
            }
            let (title, author) = Self.titleAndAuthor(body[0])
            let text = String(body.dropFirst(2).joined(separator: "\n").trimmedOfWhitespace)
            let index = library.item("book:" + title + "\u{1F}" + (author ?? "")) {
                LibraryItem(url: nil, title: title, author: author)
            }
            switch meta.kind {
            case .highlight:
                // Past the publisher's limit, Kindle keeps a notice in place of the text
                // (`<You have reached the clipping limit for this item>`): there is nothing to keep.
                guard !text.isEmpty, !Self.isLimitNotice(text) else {
                    library.notUnderstood.append("line \(entryLine)")
                    return
                }
                var highlight = LibraryHighlight(quote: text, location: meta.location, position: meta.start)
                highlight.endPosition = meta.end ?? meta.start
                highlight.createdAt = meta.date
                highlight.color = meta.color
                // In place: a copy of the item would copy its highlights at every append.
                var folded = 0
                Self.add(
                    highlight, to: &library.items[index], folded: &folded, finder: &finders[index, default: .init()])
                library.folded += folded
            case .note:
                guard !text.isEmpty else { return }
                notes.append((index, text, meta.start, meta.location, meta.date))
            case .bookmark:
                var bookmark = LibraryBookmark(location: meta.location, position: meta.start)
                bookmark.createdAt = meta.date
                library.items[index].bookmarks.append(bookmark)
            }
        }
        for (number, line) in lines.enumerated() {
            if line.trimmedOfWhitespace == "==========" {
                finish()
                entryLine = number + 2
            } else {
                if entry.isEmpty { entryLine = number + 1 }
                entry.append(line)
            }
        }
        finish()
        // A note is its own entry, at the location where its highlight ends: it goes on that one.
        for note in notes {
            // Found without a copy of the highlights: one held across the write below would make
            // the write copy them all, for every note.
            if let position = note.position,
                let target = library.items[note.item].highlights.lastIndex(where: {
                    ($0.position ?? .max) <= position && position <= ($0.endPosition ?? $0.position ?? .min)
                        && $0.note == nil
                })
            {
                library.items[note.item].highlights[target].note = note.note
            } else {
                // No highlight under it: the note stands alone, quoting itself.
                var highlight = LibraryHighlight(
                    quote: note.note, note: note.note, location: note.location, position: note.position)
                highlight.createdAt = note.createdAt
                library.items[note.item].highlights.append(highlight)
            }
        }
        return library
    }

    /// Adds a highlight, folding it with one it resizes (same start, or one quote inside the
    /// other over overlapping locations): the longer is kept.
    static func add(
        _ highlight: LibraryHighlight, to item: inout LibraryItem, folded: inout Int, finder: inout ResizeFinder
    ) {
        let resized = finder.candidates(for: highlight, among: item.highlights.count).first {
            Self.resizes(item.highlights[$0], highlight)
        }
        if let index = resized {
            folded += 1
            if highlight.quote.count > item.highlights[index].quote.count {
                var kept = highlight
                kept.note = kept.note ?? item.highlights[index].note
                item.highlights[index] = kept
                finder.register(kept, at: index)
            }
            return
        }
        item.highlights.append(highlight)
        finder.register(highlight, at: item.highlights.count - 1)
    }

    /// The highlights of a book that a new one may resize, without comparing it with each: those
    /// over the locations it spans, and those of the same quote. A book of thousands of
    /// highlights made reading its clippings quadratic.
    struct ResizeFinder {
        /// The widest span indexed by location; a wider one (malformed, or a huge highlight) is
        /// compared with every highlight.
        static let widestSpan = 64
        private var byLocation: [Int: [Int]] = [:]
        private var byQuote: [String: [Int]] = [:]
        private var wide: [Int] = []

        /// Indices to compare, first to last, each once; every index when the span is too wide.
        func candidates(for highlight: LibraryHighlight, among count: Int) -> [Int] {
            var found = Set(byQuote[highlight.quote] ?? [])
            if let start = highlight.position {
                let end = highlight.endPosition ?? start
                guard start <= end, end - start <= Self.widestSpan else { return Array(0..<count) }
                for location in start...end { found.formUnion(byLocation[location] ?? []) }
                found.formUnion(wide)
            }
            return found.sorted()
        }

        mutating func register(_ highlight: LibraryHighlight, at index: Int) {
            byQuote[highlight.quote, default: []].append(index)
            guard let start = highlight.position else { return }
            let end = highlight.endPosition ?? start
            guard start <= end, end - start <= Self.widestSpan else {
                wide.append(index)
                return
            }
            for location in start...end { byLocation[location, default: []].append(index) }
        }
    }

    private static func resizes(_ a: LibraryHighlight, _ b: LibraryHighlight) -> Bool {
        guard let aStart = a.position, let bStart = b.position else { return a.quote == b.quote }
        let aEnd = a.endPosition ?? aStart
        let bEnd = b.endPosition ?? bStart
        guard aStart <= bEnd && bStart <= aEnd else { return false }
        return aStart == bStart || a.quote.contains(b.quote) || b.quote.contains(a.quote)
    }

    /// Kindle's notice in place of a clipping's text, in whatever language: one line in angle brackets.
    static func isLimitNotice(_ text: String) -> Bool {
        text.hasPrefix("<") && text.hasSuffix(">") && text.count < 200 && !text.contains("\n")
            && text.dropFirst().dropLast().allSatisfy { $0 != "<" && $0 != ">" }
    }

    /// `Title (Author)`: the last parenthesised part is the author.
    static func titleAndAuthor(_ line: Substring) -> (String, String?) {
        let trimmed = line.trimmedOfWhitespace
        guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else { return (String(trimmed), nil) }
        let author = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        let title = trimmed[..<open].trimmedOfWhitespace
        return title.isEmpty ? (String(trimmed), nil) : (String(title), String(author))
    }

    /// `- Your Highlight on page 12 | Location 1204-1206 | Added on Sunday, March 3, 2019 10:15:32 PM`,
    /// or the same in the words of a German, French, Spanish, Italian, Portuguese, Dutch, Russian,
    /// Japanese (`- 27ページ|位置No. 409-412のハイライト |作成日: 2016年2月26日金曜日 11:49:27`) or
    /// Chinese (`- 您在第 3 页（位置 #77-78）的标注 | 添加于 2016年2月26日星期五 上午10:56:04`) Kindle.
    struct Meta {
        enum Kind { case highlight, note, bookmark }
        let kind: Kind
        let location: String
        let start: Int?
        let end: Int?
        let date: Int64?
        /// The highlight's colour, where the line names it (the apps' notebook: `Highlight(blue)`).
        let color: String?

        private static let kinds: [(Kind, [String])] = [
            (
                .highlight,
                [
                    "highlight", "markierung", "surlignement", "subrayado", "evidenziazione", "destaque", "markering",
                    "выделенный отрывок", "ハイライト", "标注",
                    // A clipped article (`Clip This Article`, `Artikel … speichern`): its text kept whole.
                    "clip this article", "recortar este art", "découper cet article", "speichern",
                ]
            ),
            (.note, ["note", "notiz", "nota", "notitie", "заметка", "メモ", "笔记"]),
            (
                .bookmark,
                [
                    "bookmark", "lesezeichen", "signet", "marcador", "segnalibro", "bladwijzer", "закладка", "ブックマーク",
                    "书签",
                ]
            ),
        ]
        private static let locationWords = [
            "location ", "loc. ", "position ", "emplacement ", "posición ", "posizione ", "posição ", "locatie ",
            // Matched as written outside ASCII: both cases of a Cyrillic word.
            "место ", "Место ", "位置no. ", "位置 #", "位置#",
        ]
        private static let pageWords = ["page ", "seite ", "página ", "pagina ", "странице ", "第 "]
        static let addedWords = [
            "added on ", "hinzugefügt am ", "ajouté le ", "añadido el ", "aggiunto in data ", "adicionado: ",
            "toegevoegd op ", "добавлено: ", "Добавлено: ", "作成日: ", "作成日：", "添加于 ",
        ]

        init?(_ line: Substring) {
            let lower = line.lowercased()
            // Some Kindles start the line with an en dash.
            guard lower.hasPrefix("-") || lower.hasPrefix("–"),
                let kind = Self.kinds.first(where: { $0.1.contains { lower[...].after($0) != nil } })?.0
            else { return nil }
            self.kind = kind
            var location: Substring?
            var page: Substring?
            var date: Int64?
            // Read from the line as written: the place names the note's id, as it did before.
            for part in line.split(separator: "|").map(\.trimmedOfWhitespace) {
                if let rest = Self.after(Self.locationWords, in: part) {
                    location = Self.place(rest)
                } else if let rest = Self.after(Self.addedWords, in: part) {
                    date = LibraryDates.written(rest)
                } else if let rest = Self.after(Self.pageWords, in: part) {
                    page = Self.place(rest)
                } else if let mark = part.range(of: "ページ") {
                    // Japanese writes the page's number first (`27ページ`).
                    let digits = part[..<mark.lowerBound].reversed().prefix(while: \.isNumber)
                    if !digits.isEmpty { page = Substring(String(digits.reversed())) }
                }
            }
            guard let place = location ?? page else { return nil }
            self.location = (location != nil ? "location " : "page ") + place
            let numbers = place.split(whereSeparator: { $0 == "-" || $0 == "–" }).map { Int($0.trimmedOfWhitespace) }
            start = numbers.first ?? nil
            var end = numbers.count > 1 ? numbers[1] : nil
            // "1204-6" is 1204 to 1206: the end writes only the last digits. (Locations have at
            // most 9 digits; past that, the numbers are kept as written.)
            if let first = start, let last = end, last < first, last >= 0, first < 1_000_000_000 {
                var scale = 10
                while scale <= last { scale *= 10 }
                let base = first / scale * scale
                end = base + last < first ? base + last + scale : base + last
            }
            self.end = end
            self.date = date
            // Only the apps' notebook names one, in parentheses before the first bar: most lines
            // have none, and cost no more for it.
            if let open = line.firstIndex(of: "("), !line[..<open].contains("|") {
                let named = line[open...].prefix { $0 != "|" }.lowercased()
                color = Self.colors.first { named.hasPrefix("(\($0))") }
            } else {
                color = nil
            }
        }

        private static let colors = ["yellow", "blue", "pink", "orange", "purple", "green"]

        /// The place as written; one that starts with a number ends with it (the Japanese and
        /// Chinese lines go on with the kind: `409-412のハイライト`, `77-78）的标注`).
        private static func place(_ rest: Substring) -> Substring {
            guard rest.first?.isASCII == true, rest.first?.isNumber == true else { return rest }
            return rest.prefix { ($0.isASCII && $0.isNumber) || $0 == "-" || $0 == "–" || $0 == " " }
                .trimmedOfWhitespace
        }

        private static func after(_ words: [String], in part: Substring) -> Substring? {
            for word in words {
                if let rest = part.after(word) { return rest.trimmedOfWhitespace }
            }
            return nil
        }
    }
}
