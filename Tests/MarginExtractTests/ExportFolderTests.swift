import Foundation
import MarginShared
import MarginTestSupport
import Testing

@testable import MarginExtract

/// Exports unzipped into a folder, as a browser may do with a download: read as their zip is.
struct ExportFolderTests {
    /// The fixture's files written under `folder`, with what the Finder adds beside them.
    static func unpack(_ name: String, into folder: String) throws {
        let entries = try ZipArchive(try LibraryImporterTests.fixture(name)).entries
        for (path, data) in entries {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try Data("not JSON".utf8).write(to: URL(fileURLWithPath: folder + "/.DS_Store"))
    }

    @Test(arguments: [("omnivore-export-2024.zip", LibraryFormat.omnivore), ("pocket-export.zip", .pocket)])
    func anUnzippedExportReadsAsItsZip(name: String, format: LibraryFormat) throws {
        let top = Scratch.folder("export-folder")
        // Unzipped into a folder of its own, inside the one named on the command line.
        try Self.unpack(name, into: top + "/Export")
        let macOS = top + "/__MACOSX/Export"
        try FileManager.default.createDirectory(atPath: macOS, withIntermediateDirectories: true)
        try Data([0, 5, 22, 7]).write(to: URL(fileURLWithPath: macOS + "/._metadata_0_to_2.json"))
        let zip = try LibraryImporter.parse(try LibraryImporterTests.fixture(name), format: format)
        let (library, found) = try LibraryImporter.parse(folder: URL(fileURLWithPath: top), format: nil)
        #expect(found == format)
        #expect(library == zip)
        #expect(!library.items.isEmpty)
    }

    @Test func aFolderOfNoExportIsOneClearError() throws {
        let top = Scratch.folder("export-folder")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: top + "/notes.txt"))
        #expect(throws: LibraryError.self) { try LibraryImporter.parse(folder: URL(fileURLWithPath: top), format: nil) }
        #expect(throws: LibraryError.self) {
            try LibraryImporter.parse(folder: URL(fileURLWithPath: top), format: .kindle)
        }
    }
}
