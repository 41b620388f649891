import Foundation
import MarginShared

/// The files of an export unzipped into a folder, by their paths in it, as `ZipArchive` gives a
/// zip's: within the same limits, without hidden files or macOS's `__MACOSX`, and read from the
/// one folder inside that holds them all. Names are listed first and the files read only once
/// they make an export, and only the kinds an export holds: a folder that is no export (a home
/// folder named by mistake) is refused without reading it.
struct ExportFolder {
    /// The files' paths in the export, each with where it is on disk.
    let paths: [String: URL]

    /// The most files a folder may hold to be read as an export.
    static let maxFiles = 200_000

    init(at folder: URL) throws(LibraryError) {
        let root = folder.standardizedFileURL.resolvingSymlinksInPath()
        guard
            let walk = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey],
                options: [.skipsHiddenFiles, .skipsPackageDescendants])
        else { throw LibraryError("the folder \(folder.path) cannot be read") }
        var paths: [String: URL] = [:]
        for case let url as URL in walk {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            // A link out of the folder is not part of the export.
            let resolved = url.resolvingSymlinksInPath().path
            guard resolved.hasPrefix(root.path + "/") else { continue }
            let path = String(resolved.dropFirst(root.path.count + 1))
            if path.hasPrefix("__MACOSX/") { continue }
            paths[path] = url
            guard paths.count <= Self.maxFiles else {
                throw LibraryError("the folder holds more than \(Self.maxFiles) files: not an export")
            }
        }
        self.paths = ZipArchive.withoutCommonFolder(paths)
    }

    /// The contents of the files an export holds (JSON, CSV, HTML, Markdown), by path.
    func files() throws(LibraryError) -> [String: Data] {
        var files: [String: Data] = [:]
        var total = 0
        for (path, url) in paths where ["json", "csv", "html", "md"].contains(url.pathExtension.lowercased()) {
            // Measured before it is read: a file past the limits is refused unread.
            let size = (try? url.resourceValues(forKeys: [.fileSizeKey]))?.fileSize ?? 0
            guard size <= ZipArchive.maxEntryBytes, total + size <= ZipArchive.maxTotalBytes else {
                throw LibraryError("the folder holds more than \(ZipArchive.maxTotalBytes >> 20) MiB of export")
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw LibraryError("\(path) in the folder cannot be read")
            }
            files[path] = data
            total += max(size, data.count)
        }
        return files
    }
}
