extension RecordState {
    /// The shown string of `field`, or nil.
    public func string(_ field: String) -> String? { value(field)?.stringValue }

    /// The shown integer of `field`, or nil.
    public func int(_ field: String) -> Int64? { value(field)?.intValue }

    /// The shown number of `field`, or nil.
    public func double(_ field: String) -> Double? { value(field)?.doubleValue }

    /// The shown flag of `field`, false when never written.
    public func flag(_ field: String) -> Bool { value(field)?.boolValue ?? false }

    /// The shown anchor of `field`, or nil.
    public func anchor(_ field: String = "anchor") -> Anchor? { value(field)?.anchorValue }

    /// When the record was created or added, in milliseconds since 1970 (0 when unknown).
    public var createdAt: Int64 { int(kind == .article ? "addedAt" : "createdAt") ?? 0 }

    /// The text a search should find this record by: a title and a body.
    public var searchText: (title: String, body: String) {
        switch kind {
        case .article: (string("title") ?? "", string("content") ?? "")
        case .note: ("", [string("body"), anchor()?.exact].compactMap { $0 }.joined(separator: "\n"))
        case .bookmark: (string("label") ?? "", anchor()?.exact ?? "")
        }
    }
}
