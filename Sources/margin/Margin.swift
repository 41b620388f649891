import ArgumentParser
import CommandLineSupport
import Foundation

/// The `margin` command line: the client core, fully offline.
@main
struct Margin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep articles, notes and bookmarks on every machine, offline first.",
        discussion: """
            The profile lives in --home, else $MARGIN_HOME, else $XDG_DATA_HOME/margin.

            \(ExitCodes.table)
            """,
        subcommands: [
            ImportCommand.self, PreviewCommand.self, ArticlesCommand.self, ShowCommand.self, NoteCommand.self,
            NotesCommand.self, BookmarkCommand.self, BookmarksCommand.self, TagCommand.self, ArchiveCommand.self,
            FavoriteCommand.self, ProgressCommand.self, SearchCommand.self, ConflictsCommand.self,
            ResolveCommand.self, ExportCommand.self, StatusCommand.self, SignupCommand.self, LoginCommand.self,
            LogoutCommand.self, SyncCommand.self, UnappliedCommand.self, WriteLoopCommand.self,
        ]
    )

    /// Runs the command; a failure prints one line on stderr and exits non-zero.
    static func main() async {
        // --home is every subcommand's option: before the subcommand it means the same.
        let arguments = movingLeadingOptions(["--home"], in: Array(CommandLine.arguments.dropFirst()))
        await mainWithOneLineErrors(name: "margin", arguments: arguments, exitCode: ExitCodes.code(for:))
        if ProcessInfo.processInfo.environment["MARGIN_REPORT_PEAK_RSS"] != nil { reportPeakRSS() }
    }

    /// Prints this process's peak resident set size on stderr, for the benchmark.
    static func reportPeakRSS() {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        let kb = line?.split(separator: " ").compactMap { Int($0) }.first ?? 0
        FileHandle.standardError.write(Data("peak-rss-bytes \(kb * 1024)\n".utf8))
    }
}
