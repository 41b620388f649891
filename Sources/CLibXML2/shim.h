// libxml2's HTML parser (Debian's libxml2-dev; also in the iOS SDK), as lxml and trafilatura use it.
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, so encoding.h would pull in the system's <unicode/*.h>. Foundation
// on Linux carries its own, newer ICU headers (_FoundationICU) whose UErrorCode has more members;
// a file that sees both fails to build. Margin never touches the ICU converter fields this guards
// (xmlCharEncodingHandler is only ever used through libxml2's own pointers), so leave ICU out.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
