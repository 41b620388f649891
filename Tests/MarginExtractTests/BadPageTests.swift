import Foundation
import MarginExtract
import MarginShared
import Testing

/// Pages that cannot be read get one clear error, never a crash or a hang.
struct BadPageTests {
    @Test func binaryDataIsNotAPage() {
        var data = Data("<html><body>".utf8)
        data.append(contentsOf: [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 1, 0xFF])
        #expect(throws: ImportError.notText) { try PageImporter.importHTML(data) }
    }

    @Test func aPageOver32MiBIsRefused() {
        var data = Data("<html><body><p>".utf8)
        data.append(Data(repeating: UInt8(ascii: "a"), count: 50 * 1024 * 1024))
        #expect(throws: ImportError.tooLarge(limit: 32 * 1024 * 1024)) { try PageImporter.importHTML(data) }
    }

    @Test func tenThousandNestedElementsAreRefused() {
        let html = "<html><body>" + String(repeating: "<div>", count: 10_000) + "deep" + "</body></html>"
        #expect(throws: ImportError.tooDeep(limit: 255)) { try PageImporter.importHTML(Data(html.utf8)) }
    }

    @Test func aPageThatLiesAboutBeingUTF8IsRefused() {
        var data = Data("<html><head><meta charset=\"utf-8\"></head><body><p>caf".utf8)
        data.append(contentsOf: [0xC3, 0x28])
        data.append(Data("</p></body></html>".utf8))
        #expect(throws: ImportError.badEncoding("the page says it is UTF-8, but it is not valid UTF-8")) {
            try PageImporter.importHTML(data)
        }
    }

    @Test func aPageWithNoTextSaysSo() {
        let html = "<html><head><title>Empty</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
        #expect(throws: ImportError.noReadableText) { try PageImporter.importHTML(Data(html.utf8)) }
    }

    @Test func everyErrorIsOneLine() {
        let errors: [ImportError] = [
            .notText, .notUTF8, .noReadableText, .tooLarge(limit: 1 << 25), .tooDeep(limit: 512), .badEncoding("why"),
        ]
        for error in errors { #expect(!error.description.isEmpty && !error.description.contains("\n")) }
    }
}
