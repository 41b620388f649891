import Foundation
import MarginServer
import MarginTestSupport
import Testing

@Suite struct OpenAPITests {
    /// `METHOD /path` for every operation in openapi.yaml.
    func specRoutes() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var routes = Set<String>()
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            if inPaths && !line.isEmpty && !line.hasPrefix(" ") { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /") && line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "delete", "patch"].contains(String(method)) {
                    routes.insert("\(method.uppercased()) \(path)")
                }
            }
        }
        return routes
    }

    @Test func theSpecAndTheServerNameTheSameRoutes() throws {
        #expect(try specRoutes() == Set(MarginServerApp.routes))
    }

    @Test func everyRouteInTheSpecIsServed() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        for route in try specRoutes() {
            let parts = route.split(separator: " ")
            let method = String(parts[0])
            let reply = try await server.request(
                method, String(parts[1]), body: method == "POST" ? Data("{}".utf8) : nil)
            let notFound = reply.json?["type"]?.string == "urn:margin:problem:not-found"
            #expect(!notFound, "\(route) is not served: \(reply.status)")
        }
    }
}
