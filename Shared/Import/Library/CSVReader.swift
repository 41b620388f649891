/// Reads RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks.
struct CSVReader {
    /// The rows, each with the line it starts on (1-based), fields split at `separator`.
    static func rows(_ text: String, separator: Unicode.Scalar = ",") -> [(line: Int, fields: [String])] {
        var rows: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var rowLine = 1
        var atFieldStart = true
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        func next() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return iterator.next()
        }
        while let scalar = next() {
            if quoted {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = following
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where atFieldStart:
                quoted = true
                atFieldStart = false
            case separator:
                fields.append(field)
                field = ""
                atFieldStart = true
            case "\r":
                continue
            case "\n":
                fields.append(field)
                if !(fields.count == 1 && fields[0].isEmpty) { rows.append((rowLine, fields)) }
                fields = []
                field = ""
                atFieldStart = true
                line += 1
                rowLine = line
            default:
                field.unicodeScalars.append(scalar)
                atFieldStart = false
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append((rowLine, fields))
        }
        return rows
    }

    /// The separator the header line uses most of: a comma, or the semicolon a spreadsheet in a
    /// European locale writes, or a tab.
    static func separator(of text: String) -> Unicode.Scalar {
        var commas = 0
        var semicolons = 0
        var tabs = 0
        for scalar in text.unicodeScalars.prefix(while: { $0 != "\n" }) {
            switch scalar {
            case ",": commas += 1
            case ";": semicolons += 1
            case "\t": tabs += 1
            default: continue
            }
        }
        if semicolons > commas && semicolons >= tabs { return ";" }
        return tabs > commas ? "\t" : ","
    }

    /// The rows after the header, as dictionaries keyed by lowercased header names.
    static func records(_ text: String) -> (header: [String], rows: [(line: Int, values: [String: String])]) {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let all = rows(body, separator: separator(of: body))
        guard let header = all.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            return ([], [])
        }
        let records = all.dropFirst().map { row in
            (row.line, Dictionary(zip(header, row.fields), uniquingKeysWith: { first, _ in first }))
        }
        return (header, records)
    }
}

/// A CSV row by lowercased column name.
struct CSVRow {
    let values: [String: String]

    /// The first of `names` with a value, trimmed; nil when all are empty or missing.
    func value(_ names: String...) -> String? {
        names.lazy.compactMap { values[$0]?.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty }
    }
}

extension CSVReader {
    /// A library read row by row from a CSV export whose header has `column`: `read` adds what a
    /// row holds, or returns false, and the row is named among those not understood.
    static func library(
        _ text: String, requiring column: String, _ read: (CSVRow, inout Library) -> Bool
    ) -> Library {
        var library = Library()
        let (header, rows) = records(text)
        guard header.contains(column) else {
            library.notUnderstood.append("line 1")
            return library
        }
        for (line, values) in rows where !read(CSVRow(values: values), &library) {
            library.notUnderstood.append("line \(line)")
        }
        return library
    }
}
