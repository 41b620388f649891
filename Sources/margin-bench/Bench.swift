import ArgumentParser
import Foundation

/// `margin-bench`: measures Margin against the raw cost of the same work on this machine.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "margin-bench",
        abstract: "Benchmarks that print a table and write JSON to bench/results/.",
        subcommands: [StoreBench.self, SyncBench.self, DecodeBench.self, ExtractBench.self, ImportBench.self]
    )
}

/// One measured figure.
struct Measurement: Codable {
    var name: String
    let records: Int
    let seconds: Double
    var perSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
    var note: String = ""
}

/// Prints measurements as a table and writes them as JSON.
struct Report {
    let title: String
    var rows: [Measurement] = []
    var targets: [TargetCheck] = []
    /// Put before the names of the rows and targets added from now on (the backend measured).
    var prefix = ""

    mutating func add(_ row: Measurement) {
        var row = row
        row.name = prefix + row.name
        rows.append(row)
        let name = row.name.padding(toLength: 72, withPad: " ", startingAt: 0)
        print(
            "  \(name) \(pad(row.records, 9)) \(String(format: "%10.4f", row.seconds)) s \(pad(Int(row.perSecond), 11)) rec/s  \(row.note)"
        )
    }

    func write(to directory: String, name: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let commit = (try? String(contentsOfFile: ".git/HEAD", encoding: .utf8)).map { _ in gitCommit() } ?? "unknown"
        let object: [String: Any] = [
            "benchmark": name, "title": title, "date": stamp, "commit": commit,
            "rows": rows.map {
                [
                    "name": $0.name, "records": $0.records, "seconds": $0.seconds, "perSecond": $0.perSecond,
                    "note": $0.note,
                ]
            },
            "targets": targets.map {
                ["figure": $0.figure, "measured": $0.measured, "goal": $0.goal, "met": $0.met, "limit": $0.limit]
            },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        let path = "\(directory)/\(name)-\(stamp).json"
        try data.write(to: URL(fileURLWithPath: path))
        print("wrote \(path)")
    }
}

func gitCommit() -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "rev-parse", "--short", "HEAD"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return "unknown" }
    process.waitUntilExit()
    return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(
        in: .whitespacesAndNewlines)
}

/// `value` right-aligned in `width` columns.
func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: " ", count: max(0, width - text.count)) + text
}

/// Seconds taken by `body`.
func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The process's peak resident set size in bytes (VmHWM).
func peakRSS() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kb * 1024
    }
    return 0
}

/// Resets the process's peak resident set size to what it holds now (Linux `clear_refs`), and
/// returns that.
func resetPeakRSS() -> Int {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return (line.split(separator: " ").compactMap { Int($0) }.first ?? 0) * 1024
    }
    return 0
}

/// CPU seconds (user + system) a process has used so far; `pid` nil for this process.
func cpuSeconds(of pid: Int32? = nil) -> Double {
    let path = "/proc/\(pid.map(String.init) ?? "self")/stat"
    guard let stat = try? String(contentsOfFile: path, encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return 0 }
    // Fields after the command name: state is field 3, utime 14 and stime 15.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// CPU seconds (user + system) used by the children this process has waited for.
func waitedChildrenCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    func seconds(_ value: timeval) -> Double { Double(value.tv_sec) + Double(value.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// "CPU/record: server 29 µs, client 13 µs": CPU per `unit` on each side.
func cpuPerRecord(server: Double, client: Double, records: Int, unit: String = "record") -> String {
    "CPU/\(unit): "
        + String(
            format: "server %.0f µs, client %.0f µs", server / Double(records) * 1e6, client / Double(records) * 1e6)
}
