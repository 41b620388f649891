import ArgumentParser
import Foundation

extension AsyncParsableCommand {
    /// Parses and runs the command; a failure prints `name: message` as one line on stderr and exits non-zero.
    public static func mainWithOneLineErrors(name: String) async {
        do {
            var command = try parseAsRoot()
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
            Foundation.exit(code.rawValue)
        }
    }
}
