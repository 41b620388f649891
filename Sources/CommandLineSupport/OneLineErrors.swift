import ArgumentParser
import Foundation

extension AsyncParsableCommand {
    /// Parses and runs the command; a failure prints `name: message` as one line on stderr and exits
    /// non-zero: with `exitCode`'s code for the error when it gives one, else argument-parser's.
    public static func mainWithOneLineErrors(
        name: String, arguments: [String]? = nil, exitCode custom: @Sendable (any Error) -> Int32? = { _ in nil }
    ) async {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }  // --help and friends
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("\(name): \(message)\n".utf8))
            Foundation.exit(custom(error) ?? code.rawValue)
        }
    }
}

/// `arguments` with the leading occurrences of `options` (each with its value, as `--name VALUE` or
/// `--name=VALUE`) moved after the subcommand and its arguments, where argument-parser reads them:
/// so `margin --home DIR import FILE` means `margin import FILE --home DIR`.
public func movingLeadingOptions(_ options: Set<String>, in arguments: [String]) -> [String] {
    var leading: [String] = []
    var rest = arguments[...]
    while let first = rest.first {
        if options.contains(first), rest.count >= 2 {
            leading += rest.prefix(2)
            rest = rest.dropFirst(2)
        } else if let name = first.split(separator: "=", maxSplits: 1).first, first.contains("="),
            options.contains(String(name))
        {
            leading.append(first)
            rest = rest.dropFirst()
        } else {
            break
        }
    }
    guard !leading.isEmpty, !rest.isEmpty else { return arguments }
    // Before a `--`, after which everything is an argument.
    if let end = rest.firstIndex(of: "--") { return Array(rest[..<end]) + leading + Array(rest[end...]) }
    return Array(rest) + leading
}
