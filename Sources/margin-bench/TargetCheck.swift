import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One target of the sync benchmark set against this run: the figure, the goal, whether it was
/// met, and the machine's own limit for that work measured in the same run.
struct TargetCheck {
    var figure: String
    let measured: String
    let goal: String
    let met: Bool
    var limit = ""

    /// The table line: figure, measured, goal, a tick or a cross, then the limit.
    var line: String {
        "  " + figure.padding(toLength: 50, withPad: " ", startingAt: 0) + " "
            + measured.padding(toLength: 22, withPad: " ", startingAt: 0) + " "
            + goal.padding(toLength: 22, withPad: " ", startingAt: 0) + (met ? " ✓" : " ✗")
            + (limit.isEmpty ? "" : "  \(limit)")
    }
}

extension Report {
    /// Adds a target, named with the current prefix.
    mutating func addTarget(_ target: TargetCheck) {
        var target = target
        target.figure = prefix + target.figure
        targets.append(target)
    }

    /// Prints the targets under a heading.
    func printTargets() {
        guard !targets.isEmpty else { return }
        print("Targets (✓ met, ✗ missed; the limit is this machine's own, measured in this run)")
        for target in targets { print(target.line) }
    }
}

/// A scratch file that times durable 4 KB writes (pwrite then fdatasync): the wait every durable
/// commit pays, whatever does the committing.
final class FlushProbe {
    private let path: String
    private let descriptor: Int32
    private let page = [UInt8](repeating: 0x6D, count: 4096)
    private var written = 0

    init(directory: String) throws {
        path = directory + "/fdatasync-probe"
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Writes one page over one of the file's 16, waits for the disk, and returns the seconds taken.
    func flush() throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        let offset = off_t(written % 16 * 4096)
        written += 1
        let count = page.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, 4096, offset) }
        guard count == 4096, fdatasync(descriptor) == 0 else { throw CocoaError(.fileWriteUnknown) }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
