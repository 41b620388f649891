// libxml2's HTML parser (Debian's libxml2-dev; also in the iOS SDK), as lxml and trafilatura use it.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/parser.h>
