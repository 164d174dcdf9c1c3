#ifndef STAGEBALANS_CLIBXML2_SHIM_H
#define STAGEBALANS_CLIBXML2_SHIM_H
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#endif
