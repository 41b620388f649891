// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Margin",
    platforms: [.macOS(.v14), .iOS(.v17)],
    products: [
        .library(name: "MarginShared", targets: ["MarginShared"]),
        .library(name: "MarginClient", targets: ["MarginClient"]),
        .library(name: "MarginServer", targets: ["MarginServer"]),
        .executable(name: "margin", targets: ["margin"]),
        .executable(name: "margin-server", targets: ["margin-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "MarginShared", path: "Shared", swiftSettings: strict),
        .target(
            name: "MarginSQLite",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            path: "Sources/MarginSQLite",
            swiftSettings: strict
        ),
        .target(
            name: "MarginClient",
            dependencies: ["MarginShared", "MarginSQLite", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Client",
            swiftSettings: strict
        ),
        .target(
            name: "MarginServer",
            dependencies: [
                "MarginShared", "MarginSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Server",
            swiftSettings: strict
        ),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "MarginExtract",
            dependencies: ["MarginShared", "CLibXML2", "CZlib"],
            path: "Extract",
            swiftSettings: strict
        ),
        .target(
            name: "MarginCurl",
            dependencies: ["MarginClient", "CCurl"],
            path: "Sources/MarginCurl",
            swiftSettings: strict
        ),
        .target(
            name: "CommandLineSupport",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/CommandLineSupport",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "margin",
            dependencies: [
                "MarginClient", "MarginCurl", "MarginExtract", "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/margin",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "margin-server",
            dependencies: [
                "MarginServer", "MarginShared", "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Sources/margin-server",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "margin-bench",
            dependencies: [
                "MarginClient", "MarginCurl", "MarginExtract", .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/margin-bench",
            swiftSettings: strict
        ),
        .testTarget(
            name: "MarginSharedTests",
            dependencies: ["MarginShared", "MarginTestSupport"],
            path: "Tests/MarginSharedTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "MarginExtractTests",
            dependencies: ["MarginExtract", "MarginShared", "MarginTestSupport", "CLibXML2"],
            path: "Tests/MarginExtractTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "MarginSQLiteTests",
            dependencies: ["MarginSQLite", "MarginTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/MarginSQLiteTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "MarginClientTests",
            dependencies: ["MarginClient", "MarginTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/MarginClientTests",
            swiftSettings: strict
        ),
        .target(
            name: "MarginTestSupport",
            dependencies: ["MarginShared", "MarginClient", "MarginCurl"],
            path: "Tests/MarginTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "MarginCLITests",
            dependencies: ["MarginClient", "MarginShared", "MarginTestSupport"],
            path: "Tests/MarginCLITests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "MarginServerTests",
            dependencies: [
                "MarginServer", "MarginShared", "MarginTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/MarginServerTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "MarginEndToEndTests",
            dependencies: ["MarginClient", "MarginCurl", "MarginTestSupport"],
            path: "Tests/MarginEndToEndTests",
            swiftSettings: strict
        ),
    ]
)
