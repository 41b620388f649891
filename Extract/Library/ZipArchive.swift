import CZlib
import Foundation
import MarginShared

/// The entries of a zip file (stored or deflated, as export tools write them), read whole into
/// memory within limits: no entry over `maxEntryBytes`, no more than `maxTotalBytes` in all.
/// Paths are those of the export: without a folder that holds every file, or macOS's `__MACOSX`.
struct ZipArchive {
    /// The entries' contents by path.
    let entries: [String: Data]

    static let maxEntryBytes = 256 * 1024 * 1024
    static let maxTotalBytes = 1024 * 1024 * 1024

    /// Whether `data` starts like a zip file.
    static func isZip(_ data: Data) -> Bool { data.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    init(_ data: Data) throws(LibraryError) {
        let bytes = [UInt8](data)
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        // The end-of-central-directory record: in the last 64 KiB + 22 bytes.
        guard bytes.count >= 22,
            let end = stride(from: bytes.count - 22, through: max(0, bytes.count - 65_557), by: -1).first(where: {
                u32($0) == 0x0605_4B50
            })
        else { throw LibraryError("the zip file has no central directory (truncated?)") }
        func u64(_ at: Int) -> Int? {
            let high = u32(at + 4)
            return high < 1 << 30 ? u32(at) | high << 32 : nil
        }
        var count = u16(end + 10)
        var offset = u32(end + 16)
        // Zip64 (more than 65,535 entries, or past 4 GiB, or forced by the writer): the counts and
        // offsets live in a record of their own, which a locator just before this one points at.
        if count == 0xFFFF || offset == 0xFFFF_FFFF {
            guard end >= 20, u32(end - 20) == 0x0706_4B50, let record = u64(end - 12),
                record + 56 <= bytes.count, u32(record) == 0x0606_4B50,
                let entryCount = u64(record + 32), let directory = u64(record + 48)
            else { throw LibraryError("the zip file's Zip64 directory is damaged") }
            count = entryCount
            offset = directory
        }
        var entries: [String: Data] = [:]
        var total = 0
        for _ in 0..<count {
            guard offset >= 0, offset + 46 <= bytes.count, u32(offset) == 0x0201_4B50 else {
                throw LibraryError("the zip file's directory is damaged")
            }
            let method = u16(offset + 10)
            var compressed = u32(offset + 20)
            var size = u32(offset + 24)
            let nameLength = u16(offset + 28)
            let extraLength = u16(offset + 30)
            let commentLength = u16(offset + 32)
            var local = u32(offset + 42)
            guard offset + 46 + nameLength + extraLength <= bytes.count else {
                throw LibraryError("the zip file's directory is damaged")
            }
            // Zip64 sizes and offset, in that order, for each field written as 0xFFFFFFFF.
            var extra = offset + 46 + nameLength
            while extra + 4 <= offset + 46 + nameLength + extraLength {
                let (id, length) = (u16(extra), u16(extra + 2))
                if id == 0x0001 {
                    var field = extra + 4
                    func wide() throws(LibraryError) -> Int {
                        guard field + 8 <= extra + 4 + length, let value = u64(field) else {
                            throw LibraryError("the zip file's directory is damaged")
                        }
                        field += 8
                        return value
                    }
                    if size == 0xFFFF_FFFF { size = try wide() }
                    if compressed == 0xFFFF_FFFF { compressed = try wide() }
                    if local == 0xFFFF_FFFF { local = try wide() }
                }
                extra += 4 + length
            }
            let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            offset += 46 + nameLength + extraLength + commentLength
            // Folders, and the resource forks macOS adds when it zips a folder again.
            if name.hasSuffix("/") || name.hasPrefix("__MACOSX/")
                || name.split(separator: "/").last?.hasPrefix("._") == true
            {
                continue
            }
            guard size <= Self.maxEntryBytes, total + size <= Self.maxTotalBytes else {
                throw LibraryError("the zip file unpacks to more than \(Self.maxTotalBytes >> 20) MiB")
            }
            guard local + 30 <= bytes.count, u32(local) == 0x0403_4B50 else {
                throw LibraryError("the zip entry \(name) is damaged")
            }
            let start = local + 30 + u16(local + 26) + u16(local + 28)
            guard start + compressed <= bytes.count else { throw LibraryError("the zip entry \(name) is truncated") }
            let packed = Array(bytes[start..<(start + compressed)])
            switch method {
            case 0: entries[name] = Data(packed)
            case 8: entries[name] = try Self.inflate(packed, size: size, name: name)
            default: throw LibraryError("the zip entry \(name) uses compression method \(method), which is not read")
            }
            total += size
        }
        self.entries = Self.withoutCommonFolder(entries)
    }

    /// The entries as if their common folder were the archive's root: an export unzipped and
    /// zipped again holds its files under one folder of its own.
    static func withoutCommonFolder<Value>(_ entries: [String: Value]) -> [String: Value] {
        guard let first = entries.keys.first, let slash = first.firstIndex(of: "/") else { return entries }
        let folder = first[...slash]
        guard entries.keys.allSatisfy({ $0.hasPrefix(folder) }) else { return entries }
        return Self.withoutCommonFolder(
            Dictionary(uniqueKeysWithValues: entries.map { (String($0.key.dropFirst(folder.count)), $0.value) }))
    }

    /// Raw deflate data inflated to exactly `size` bytes.
    private static func inflate(_ packed: [UInt8], size: Int, name: String) throws(LibraryError) -> Data {
        var output = [UInt8](repeating: 0, count: max(size, 1))
        var stream = z_stream()
        // -15: raw deflate, no zlib header (zip's own framing).
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LibraryError("zlib cannot start inflating \(name)")
        }
        defer { inflateEnd(&stream) }
        var input = packed
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(size)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw LibraryError("the zip entry \(name) does not inflate to its stated size")
        }
        return Data(output.prefix(size))
    }
}
