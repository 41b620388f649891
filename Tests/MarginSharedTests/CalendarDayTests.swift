import Foundation
import MarginTestSupport
import Testing

@testable import MarginShared

/// The hand-written calendar agrees with Foundation's, both ways, and writes what its formatter wrote.
@Suite struct CalendarDayTests {
    @Test func agreesWithFoundationBothWays() {
        let seed = testSeed()
        print("calendar day test: seed \(seed) (replay: MARGIN_SEED=\(seed))")
        var random = SplitMix64(seed: seed)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        // From 1601 to 2399, and the edges that catch off-by-ones: 1970 itself, leap days, centuries.
        var instants: [Int64] = [0, -1, 86_399_999, 86_400_000, 951_782_400_000, 4_107_456_000_000, -2_203_891_200_000]
        for _ in 0..<5_000 {
            instants.append(Int64.random(in: -11_644_473_600_000...13_569_465_600_000, using: &random))
        }
        for millis in instants {
            let written = CalendarDay.timestamp(milliseconds: millis)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            #expect(written == formatter.string(from: date), "\(millis), seed \(seed)")
            let day = CalendarDay(milliseconds: millis)
            #expect(day.iso8601 == String(written.prefix(10)), "\(millis), seed \(seed)")
            #expect(
                CalendarDay(year: day.year, month: day.month, day: day.day)?.daysSince1970
                    == Int((Double(millis) / 86_400_000).rounded(.down)))
            #expect(LibraryDates.parse(written) == millis, "\(written), seed \(seed)")
        }
    }

    @Test func datesCountDaysAcrossCenturies() {
        // Against Foundation's calendar, on days either side of leap days and of 1970.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for (year, month, day) in [
            (1970, 1, 1), (1969, 12, 31), (2000, 2, 29), (2000, 3, 1), (1900, 3, 1), (2100, 2, 28), (1600, 1, 1),
        ] {
            let date = calendar.date(from: DateComponents(year: year, month: month, day: day))!
            #expect(
                CalendarDay(year: year, month: month, day: day)?.daysSince1970
                    == Int(date.timeIntervalSince1970 / 86_400))
        }
    }

    @Test func refusesDaysThatDoNotExist() {
        #expect(CalendarDay(year: 2100, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDay(year: 2024, month: 4, day: 31) == nil)
        #expect(CalendarDay(year: 2024, month: 0, day: 1) == nil)
        #expect(CalendarDay(year: 2024, month: 13, day: 1) == nil)
        #expect(CalendarDay(year: 2024, month: 1, day: 0) == nil)
    }
}
