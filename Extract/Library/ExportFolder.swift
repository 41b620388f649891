import Foundation
import MarginShared

/// The files of an export unzipped into a folder, by their paths in it, as `ZipArchive` gives a
/// zip's: within the same limits, without hidden files or macOS's `__MACOSX`, and read from the
/// one folder inside that holds them all.
enum ExportFolder {
    static func files(at folder: URL) throws(LibraryError) -> [String: Data] {
        let root = folder.standardizedFileURL.resolvingSymlinksInPath()
        guard
            let walk = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                options: [.skipsHiddenFiles, .skipsPackageDescendants])
        else { throw LibraryError("the folder \(folder.path) cannot be read") }
        var files: [String: Data] = [:]
        var total = 0
        for case let url as URL in walk {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values?.isRegularFile == true else { continue }
            // A link out of the folder is not part of the export.
            let resolved = url.resolvingSymlinksInPath().path
            guard resolved.hasPrefix(root.path + "/") else { continue }
            let path = String(resolved.dropFirst(root.path.count + 1))
            if path.hasPrefix("__MACOSX/") { continue }
            let size = values?.fileSize ?? 0
            guard size <= ZipArchive.maxEntryBytes, total + size <= ZipArchive.maxTotalBytes else {
                throw LibraryError("the folder holds more than \(ZipArchive.maxTotalBytes >> 20) MiB")
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw LibraryError("\(path) in the folder cannot be read")
            }
            files[path] = data
            total += size
        }
        return ZipArchive.withoutCommonFolder(files)
    }
}
