import CLibXML2
import Foundation
import MarginShared

/// A page parsed by libxml2's HTML parser (the one lxml, readability-lxml and trafilatura build
/// on), built from its events into a tree extraction can reshape.
struct HTMLDocument {
    /// The `<html>` element.
    let root: HTMLElement
    /// What owns the page's elements: they live as long as it.
    let tree: HTMLTree

    /// The biggest page read; a bigger one is refused before parsing.
    static let maxBytes = 32 * 1024 * 1024
    /// The deepest nesting read: deeper pages are refused, since no article needs it and the tree
    /// is walked recursively. libxml2 stops at 256 levels and drops the rest, so a page that
    /// reaches this depth lost content in the parse.
    static let maxDepth = 255

    /// Parses `data`, decoded as `encoding(of:)` decides.
    static func parse(_ data: Data) throws(ImportError) -> HTMLDocument {
        guard data.count <= maxBytes else { throw .tooLarge(limit: maxBytes) }
        let encoding = try encoding(of: data)
        // `withUnsafeBytes` rethrows untyped errors: the typed one comes out in a Result.
        let built = data.withUnsafeBytes { bytes in
            Result { () throws(ImportError) in try HTMLTreeBuilder.build(bytes, encoding: encoding, options: options) }
        }
        guard var document = try built.get() else { throw .noReadableText }
        if document.root.tag != "html" {
            let wrapper = document.tree.element("html")
            wrapper.append(.element(document.root))
            document = HTMLDocument(root: wrapper, tree: document.tree)
        }
        return document
    }

    /// How libxml2 is asked to read a page: recover from errors without reporting them, and never
    /// fetch anything; the encoding is the one given (a page's `<meta charset>` may be stale).
    static let options = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)

    /// libxml2's own tree of `data` (the caller frees it): the benchmark's limit, and what the
    /// tree built from the parser's events is tested against.
    static func libxml2Parse(_ data: Data, encoding: String) -> xmlDocPtr? {
        data.withUnsafeBytes { bytes in
            htmlReadMemory(
                bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, encoding, options)
        }
    }

    /// Seconds libxml2 alone takes to parse `data` and free the result: the floor under extraction.
    static func libxml2Seconds(_ data: Data) -> Double {
        guard let encoding = try? encoding(of: data) else { return 0 }
        let start = DispatchTime.now().uptimeNanoseconds
        if let parsed = libxml2Parse(data, encoding: encoding) { xmlFreeDoc(parsed) }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The attributes extraction and the exports read; the rest (src, srcset, data-*, …) are
    /// not kept, which halves what a page's tree allocates.
    static func isKept(attribute name: String) -> Bool {
        switch name {
        case "id", "class", "style", "hidden", "aria-hidden", "aria-modal", "role", "rel", "itemprop", "href",
            "type", "name", "property", "content", "lang", "datetime", "pubdate", "summary", "datatable",
            "http-equiv", "charset", "time_added", "tags":
            return true
        default:
            return false
        }
    }

    // MARK: - Encoding

    /// The encoding to read `data` with: its byte order mark's; else UTF-8 when the bytes are
    /// valid UTF-8 (text in a legacy encoding almost never is, and pages saved again as UTF-8
    /// often keep their old `<meta charset>`); else the charset declared; else Windows-1252.
    static func encoding(of data: Data) throws(ImportError) -> String {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { return "UTF-8" }
        if data.starts(with: [0xFF, 0xFE]) { return "UTF-16LE" }
        if data.starts(with: [0xFE, 0xFF]) { return "UTF-16BE" }
        // memchr: the generic `contains` goes through Data's iterator a byte at a time.
        let hasNUL = data.prefix(8192).withUnsafeBytes { head in
            head.baseAddress.map { memchr($0, 0, head.count) != nil } ?? false
        }
        if hasNUL { throw .notText }
        if isValidUTF8(data) { return "UTF-8" }
        switch declaredCharset(data) {
        case nil:
            return "WINDOWS-1252"
        case "utf-8", "utf8", "unicode-1-1-utf-8":
            throw .badEncoding("the page says it is UTF-8, but it is not valid UTF-8")
        // As browsers do (the WHATWG Encoding Standard): Latin-1 and ASCII labels mean Windows-1252.
        case "iso-8859-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252":
            return "WINDOWS-1252"
        case let declared?:
            return declared.uppercased()
        }
    }

    /// Whether `data` is well-formed UTF-8 (no overlong forms, surrogates or scalars past
    /// U+10FFFF), checked in place: `String(validating:)` made a copy of the whole page to say so.
    static func isValidUTF8(_ data: Data) -> Bool {
        data.withUnsafeBytes { UTF8Check.isValid($0.bindMemory(to: UInt8.self)) }
    }

    /// The charset a `<meta>` in the first 4 KB declares, lowercased.
    static func declaredCharset(_ data: Data) -> String? {
        let head = String(decoding: data.prefix(4096), as: UTF8.self).lowercased()
        guard let range = head.range(of: "charset=") else { return nil }
        let rest = head[range.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }
        let label = rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ":" || $0 == "." }
        return label.isEmpty ? nil : String(label)
    }
}
