/// Dates as exports write them, read by hand into milliseconds since 1970: Unix seconds (or
/// milliseconds), ISO 8601 and its space-separated cousin, and dates written out in words, as
/// Kindle does in several languages. A time without a zone is taken as UTC.
///
/// By hand: Foundation's formatters, made or given a new layout per entry, took a sixth of a large
/// export's import, and each layout needed one more of them.
enum LibraryDates {
    /// The date in `text`, in any layout below; nil in none.
    static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmedOfWhitespace
        if let number = Int64(trimmed) { return unix(number) }
        return iso(trimmed) ?? written(trimmed)
    }

    /// Unix time in milliseconds from seconds, or from milliseconds when the number is too large
    /// for seconds (past the year 5138); nil for a number too large for either, which no export
    /// writes but a damaged file may hold.
    static func unix(_ number: Int64) -> Int64? {
        let limit: Int64 = 100_000_000_000
        if number.magnitude <= limit.magnitude { return number * 1000 }
        return number.magnitude <= (limit * 1000).magnitude ? number : nil
    }

    /// `2024-01-02`, `2024-01-02T03:04:05Z`, `2024-01-02 03:04:05.250+02:00` and the like.
    static func iso(_ text: Substring) -> Int64? {
        var reader = DigitReader(Array(text.utf8))
        guard let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
            let day = reader.number(2)
        else { return nil }
        var seconds = 0
        var milliseconds = 0
        if reader.skip("T") || reader.skip(" ") {
            guard let hour = reader.number(2), reader.skip(":"), let minute = reader.number(2) else { return nil }
            let second = reader.skip(":") ? reader.number(2) : 0
            guard let second, hour <= 23, minute <= 59, second <= 60 else { return nil }
            seconds = hour * 3600 + minute * 60 + second
            if reader.skip(".") {
                var scale = 100
                while let digit = reader.number(1) {
                    milliseconds += digit * scale
                    scale /= 10
                }
            }
            let utc = reader.skip("Z") || reader.skip("z")
            if !utc, let sign = reader.skip("+") ? 1 : reader.skip("-") ? -1 : nil {
                guard let hours = reader.number(2) else { return nil }
                _ = reader.skip(":")
                let minutes = reader.number(2) ?? 0
                seconds -= sign * (hours * 3600 + minutes * 60)
            }
        }
        guard reader.atEnd, let days = CalendarDay(year: year, month: month, day: day)?.daysSince1970 else {
            return nil
        }
        return (Int64(days) * 86_400 + Int64(seconds)) * 1000 + Int64(milliseconds)
    }

    /// A date written in words: `Sunday, March 3, 2019 10:15:32 PM`, `Friday, 25 November 2016
    /// 21:47:31`, `Tuesday, August 09, 2011, 09:29 PM`, `Sonntag, 3. März 2019 22:15:32`, `3 de
    /// marzo de 2019`; month names in English, German, French, Spanish, Italian, Portuguese, Dutch
    /// and Russian; the Japanese and Chinese layouts by their own rule.
    static func written(_ text: Substring) -> Int64? {
        if text.contains("年") { return eastAsian(text) }
        var day: Int?
        var month: Int?
        var year: Int?
        var clock: [Int] = []
        var afternoon: Bool?
        for token in text.lowercased().split(whereSeparator: { $0 == " " || $0 == "," }) {
            let word = token.hasSuffix(".") ? token.dropLast() : token
            if word.contains(":") {
                clock = word.split(separator: ":").compactMap { Int($0) }
            } else if word == "am" || word == "a.m" {
                afternoon = false
            } else if word == "pm" || word == "p.m" {
                afternoon = true
            } else if let number = Int(word) {
                if word.count == 4 { year = number } else if day == nil { day = number }
            } else if let named = months[String(word)] {
                month = named
            }
        }
        guard let day, let month, let year, clock.count != 1 else { return nil }
        var hour = clock.first ?? 0
        if let afternoon {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (afternoon ? 12 : 0)
        }
        let minute = clock.count > 1 ? clock[1] : 0
        let second = clock.count > 2 ? clock[2] : 0
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
            let days = CalendarDay(year: year, month: month, day: day)?.daysSince1970
        else { return nil }
        return (Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1000
    }

    /// `2016年2月26日金曜日 11:49:27`, `2016年2月26日星期五 下午10:56:04`: the Japanese and Chinese
    /// layouts, the hour on a 12-hour clock after 上午 or 下午 (午前, 午後).
    private static func eastAsian(_ text: Substring) -> Int64? {
        func number(before mark: Character) -> Int? {
            guard let at = text.firstIndex(of: mark) else { return nil }
            return Int(String(text[..<at].reversed().prefix(while: \.isNumber).reversed()))
        }
        guard let year = number(before: "年"), year <= 9999, let month = number(before: "月"),
            let day = number(before: "日"),
            let days = CalendarDay(year: year, month: month, day: day)?.daysSince1970
        else { return nil }
        var seconds = 0
        if let colon = text.firstIndex(of: ":") {
            let start = text[..<colon].lastIndex { !$0.isNumber }.map(text.index(after:)) ?? text.startIndex
            let clock = text[start...].prefix { $0.isNumber || $0 == ":" }.split(separator: ":").compactMap { Int($0) }
            guard clock.count >= 2, var hour = clock.first else { return nil }
            let before = text[..<start]
            if before.hasSuffix("下午") || before.hasSuffix("午後") {
                guard (1...12).contains(hour) else { return nil }
                hour = hour % 12 + 12
            } else if before.hasSuffix("上午") || before.hasSuffix("午前") {
                guard (1...12).contains(hour) else { return nil }
                hour %= 12
            }
            let second = clock.count > 2 ? clock[2] : 0
            guard (0...23).contains(hour), (0...59).contains(clock[1]), (0...60).contains(second) else { return nil }
            seconds = hour * 3600 + clock[1] * 60 + second
        }
        return (Int64(days) * 86_400 + Int64(seconds)) * 1000
    }

    /// The English month names, January first, in lower case.
    static let englishMonths = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    private static let months: [String: Int] = {
        let names = [
            englishMonths.joined(separator: " "),
            "jan feb mar apr may jun jul aug sep oct nov dec",
            "januar februar märz april mai juni juli august september oktober november dezember",
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
            "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
            "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
            "januari februari maart april mei juni juli augustus september oktober november december",
            // Russian writes a date's month in the genitive (`26 февраля 2016 г.`).
            "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
            "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
        ]
        var months: [String: Int] = [:]
        for line in names {
            for (index, name) in line.split(separator: " ").enumerated() { months[String(name)] = index + 1 }
        }
        return months
    }()
}

/// Reads fixed-width numbers and single characters off the bytes of a date.
private struct DigitReader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    /// Takes `width` digits as a number, or nothing when they are not all digits.
    mutating func number(_ width: Int) -> Int? {
        guard position + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<position + width] {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        position += width
        return value
    }

    /// Takes `character` when it comes next.
    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }
}
