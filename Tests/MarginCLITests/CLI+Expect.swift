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

    /// Runs a command that must fail with one line on standard error, returning that line.
    func fails(_ arguments: [String], stdin: Data? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> String
    {
        let result = try run(arguments, stdin: stdin)
        #expect(
            result.status != 0, "margin \(arguments.joined(separator: " ")) should fail", sourceLocation: sourceLocation
        )
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "one line on stderr, got: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stderr
    }

}
