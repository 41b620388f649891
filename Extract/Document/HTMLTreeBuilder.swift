import CLibXML2
import Foundation
import MarginShared

/// Builds a page's tree straight from the events of libxml2's HTML parser (its SAX interface).
///
/// The parser decides the tree (implied `<html>` and `<body>`, tags closed by others), so the tree
/// is the one its own tree builder makes; reading the events instead spares making that tree, then
/// copying and freeing it, which took half of the parse.
///
/// A struct that the parser reaches through a pointer: a class's stored properties cost a run-time
/// exclusivity check on every access, and the callbacks touch them for every tag and text run.
struct HTMLTreeBuilder {
    let tree = HTMLTree()
    /// The elements open, outermost first, each with the children read so far.
    private var open: [(element: HTMLElement, children: [HTMLNode])] = []
    /// What stands outside every element: the root, as a rule.
    private var outermost: [HTMLNode] = []
    /// Text read since the last node, kept until the next one (libxml2 reports a run of text in
    /// pieces, which its tree builder joins).
    private var text: [UInt8] = []
    /// The pending text is a CDATA block (a script's or style's content): libxml2 makes it a node
    /// of its own, apart from the text beside it.
    private var textIsCDATA = false
    private(set) var tooDeep = false
    private var parser: htmlParserCtxtPtr?
    /// Element names as the tree writes them, by libxml2's name.
    private var tagNames = NameCache()
    /// Kept attribute names (nil: not kept), by libxml2's name.
    private var attributeNames = NameCache()

    /// The root element of `data` read as `encoding`; nil when libxml2 found no element.
    static func build(_ data: UnsafeRawBufferPointer, encoding: String, options: Int32) throws(ImportError)
        -> HTMLDocument?
    {
        guard let base = data.baseAddress,
            let parser = htmlCreateMemoryParserCtxt(base.assumingMemoryBound(to: CChar.self), Int32(data.count))
        else { throw .badEncoding("libxml2 cannot read the page as \(encoding)") }
        defer {
            if let document = parser.pointee.myDoc { xmlFreeDoc(document) }
            htmlFreeParserCtxt(parser)
        }
        let builder = UnsafeMutablePointer<HTMLTreeBuilder>.allocate(capacity: 1)
        builder.initialize(to: HTMLTreeBuilder())
        defer {
            builder.deinitialize(count: 1)
            builder.deallocate()
        }
        builder.pointee.parser = parser
        var handler = htmlSAXHandler()
        handler.startElement = { context, name, attributes in
            guard let context, let name else { return }
            HTMLTreeBuilder.of(context).pointee.start(name, attributes)
        }
        handler.endElement = { context, _ in
            guard let context else { return }
            HTMLTreeBuilder.of(context).pointee.end()
        }
        handler.characters = { context, characters, length in
            guard let context, let characters else { return }
            HTMLTreeBuilder.of(context).pointee.read(characters, Int(length), isCDATA: false)
        }
        handler.cdataBlock = { context, characters, length in
            guard let context, let characters else { return }
            HTMLTreeBuilder.of(context).pointee.read(characters, Int(length), isCDATA: true)
        }
        // A comment or processing instruction is a node of libxml2's tree: text on its two sides
        // stays two runs, as in that tree.
        handler.comment = { context, _ in
            guard let context else { return }
            HTMLTreeBuilder.of(context).pointee.endText()
        }
        handler.processingInstruction = { context, _, _ in
            guard let context else { return }
            HTMLTreeBuilder.of(context).pointee.endText()
        }
        withUnsafeBytes(of: &handler) { bytes in
            parser.pointee.sax.map {
                UnsafeMutableRawPointer($0).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            }
        }
        parser.pointee.userData = UnsafeMutableRawPointer(builder)
        htmlCtxtUseOptions(parser, options)
        if let converter = xmlFindCharEncodingHandler(encoding) { xmlSwitchToEncoding(parser, converter) }
        _ = htmlParseDocument(parser)
        if builder.pointee.tooDeep { throw .tooDeep(limit: HTMLDocument.maxDepth) }
        builder.pointee.endText()
        while !builder.pointee.open.isEmpty { builder.pointee.end() }
        guard let root = builder.pointee.outermost.lazy.compactMap(\.element).first else { return nil }
        return HTMLDocument(root: root, tree: builder.pointee.tree)
    }

    private static func of(_ context: UnsafeMutableRawPointer) -> UnsafeMutablePointer<HTMLTreeBuilder> {
        context.assumingMemoryBound(to: HTMLTreeBuilder.self)
    }

    private mutating func start(
        _ name: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        endText()
        guard open.count < HTMLDocument.maxDepth else {
            tooDeep = true
            if let parser { xmlStopParser(parser) }
            return
        }
        var kept: [(name: String, value: String)] = []
        if var pair = attributes {
            while let rawName = pair.pointee {
                let value = pair.successor().pointee
                let name = attributeNames.name(rawName) { name in
                    let lowercased = Self.lowercased(name)
                    return HTMLDocument.isKept(attribute: lowercased) ? lowercased : nil
                }
                // A repeated attribute keeps its first value, as browsers do.
                if let name, !kept.contains(where: { $0.name == name }) {
                    // A name without a value (`<div hidden>`) has the empty value.
                    kept.append((name, value.map { String(cString: $0) } ?? ""))
                }
                pair += 2
            }
        }
        let tag = tagNames.name(name) { Self.localName(Self.lowercased($0)) } ?? ""
        open.append((tree.element(tag, attributes: kept), []))
    }

    private mutating func end() {
        endText()
        guard let (element, children) = open.popLast() else { return }
        element.adopt(children)
        append(.element(element))
    }

    private mutating func read(_ characters: UnsafePointer<xmlChar>, _ length: Int, isCDATA: Bool) {
        if isCDATA != textIsCDATA { endText() }
        textIsCDATA = isCDATA
        text.append(contentsOf: UnsafeBufferPointer(start: characters, count: length))
    }

    /// Makes the text read so far a node.
    private mutating func endText() {
        guard !text.isEmpty else { return }
        append(.text(String(decoding: text, as: UTF8.self)))
        text.removeAll(keepingCapacity: true)
    }

    private mutating func append(_ node: HTMLNode) {
        if open.isEmpty {
            outermost.append(node)
        } else {
            open[open.count - 1].children.append(node)
        }
    }

    /// What each name libxml2 reads becomes, worked out once per name: its parser hands out every
    /// name from one dictionary, so a name's pointer recurs. The bytes are compared as well, so a
    /// pointer that came to hold another name is only a miss.
    struct NameCache {
        private var entries: [UnsafeRawPointer: (bytes: [CChar], name: String?)] = [:]

        mutating func name(_ raw: UnsafePointer<xmlChar>, make: (String) -> String?) -> String? {
            let key = UnsafeRawPointer(raw)
            let text = key.assumingMemoryBound(to: CChar.self)
            if let entry = entries[key], entry.bytes.withUnsafeBufferPointer({ strcmp($0.baseAddress!, text) == 0 }) {
                return entry.name
            }
            let name = make(String(cString: raw))
            entries[key] = (Array(UnsafeBufferPointer(start: text, count: strlen(text) + 1)), name)
            return name
        }
    }

    /// A tag's name without its namespace prefix (`g:plusone` is `plusone`), as libxml2's tree
    /// builder names the element.
    static func localName(_ name: String) -> String {
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")), colon != name.utf8.startIndex else {
            return name
        }
        let local = name.utf8[name.utf8.index(after: colon)...]
        return local.isEmpty ? name : String(Substring(local))
    }

    /// A name libxml2 read: its HTML parser lowercases tag and attribute names already, so the
    /// string is made again only for one that is not.
    static func lowercased(_ name: String) -> String {
        name.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } ? name.lowercased() : name
    }
}
