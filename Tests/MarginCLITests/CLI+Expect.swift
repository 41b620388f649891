import Foundation
import MarginTestSupport
import Testing

extension CLI {
    /// Runs a command that must succeed, returning its standard output.
    func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(
            result.status == 0, "margin \(arguments.joined(separator: " ")) failed: \(result.stderr)",
            sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs a command that must fail, by exiting with `code` (any code of a failure when nil, never
    /// a crash), with one line on standard error; returns that line.
    func fails(
        _ arguments: [String], stdin: Data? = nil, code: Int32? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try run(arguments, stdin: stdin)
        let command = "margin \(arguments.joined(separator: " "))"
        #expect(result.status != 0, "\(command) should fail", sourceLocation: sourceLocation)
        #expect(result.status < 128, "\(command) crashed (\(result.status))", sourceLocation: sourceLocation)
        if let code {
            #expect(result.status == code, "\(command) exited \(result.status)", sourceLocation: sourceLocation)
        }
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "one line on stderr, got: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stderr
    }

}
