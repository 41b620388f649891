import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One target of the benchmark issue set against this run: the figure, the goal, whether it was
/// met, and the machine's own limit for that work measured in the same run.
struct TargetCheck: Codable {
    let figure: String
    let measured: String
    let goal: String
    let met: Bool
    var limit = ""

    /// The table line: figure, measured, goal, a tick or a cross, then the limit.
    var line: String {
        "  " + figure.padding(toLength: 34, withPad: " ", startingAt: 0) + " "
            + measured.padding(toLength: 22, withPad: " ", startingAt: 0) + " "
            + goal.padding(toLength: 22, withPad: " ", startingAt: 0) + (met ? " ✓" : " ✗")
            + (limit.isEmpty ? "" : "  \(limit)")
    }
}

extension Report {
    /// Sets a figure against its target, printed together at the end of the run.
    mutating func check(_ target: TargetCheck) {
        targets.append(target)
    }

    /// Prints the targets under a heading.
    func printTargets() {
        guard !targets.isEmpty else { return }
        print("Targets (✓ met, ✗ missed; the limit is this machine's own, measured in this run)")
        for target in targets { print(target.line) }
    }
}

/// Seconds per durable 4 KB write (pwrite then fdatasync) in `directory`, one after another: the
/// wait every durable commit pays, whatever does the committing.
func durableWriteSeconds(in directory: String, count: Int) throws -> [Double] {
    let path = directory + "/fdatasync-probe"
    let descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
    guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
    defer {
        close(descriptor)
        unlink(path)
    }
    let page = [UInt8](repeating: 0x6D, count: 4096)
    var samples: [Double] = []
    for index in 0..<count {
        let start = DispatchTime.now().uptimeNanoseconds
        let written = page.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, 4096, off_t(index % 16 * 4096)) }
        guard written == 4096, fdatasync(descriptor) == 0 else { throw CocoaError(.fileWriteUnknown) }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return samples
}
