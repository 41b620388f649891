import Foundation

/// The one libFuzzer entry point; `MARGIN_FUZZ_TARGET` (decoder, merge, importer or library) picks
/// the target, so that all of them share one instrumented build.
let fuzzTarget: (UnsafePointer<UInt8>, Int) -> CInt = {
    switch ProcessInfo.processInfo.environment["MARGIN_FUZZ_TARGET"] {
    case "merge": return fuzzMerge
    case "importer": return fuzzImporter
    case "decoder": return fuzzDecoder
    case "library": return fuzzLibrary
    default:
        FileHandle.standardError.write(Data("set MARGIN_FUZZ_TARGET to decoder, merge, importer or library\n".utf8))
        exit(2)
    }
}()

/// libFuzzer's entry: one input, passed to the target `MARGIN_FUZZ_TARGET` names.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else {
        var empty: UInt8 = 0
        return fuzzTarget(&empty, 0)
    }
    return fuzzTarget(data, size)
}
