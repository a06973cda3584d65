# md2man.cmake -- one Markdown guide of docs/ as a man page (cmake -P).
# The guide's own first heading is replaced by the NAME section man(7)
# wants; links to other guides stay as their text.
file(READ ${IN} md)
string(REGEX REPLACE "^# [^\n]*\n" "" md "${md}")
file(WRITE ${OUT}.md "# NAME\n\n${NAME} - ${WHAT}\n\n# DESCRIPTION\n${md}")
execute_process(COMMAND ${LOWDOWN} -s -Tman -m "title: ${NAME}" -m "section: ${SECTION}"
                        -m "source: parscore ${VERSION}" -o ${OUT} ${OUT}.md
                RESULT_VARIABLE rc)
file(REMOVE ${OUT}.md)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lowdown failed on ${IN}")
endif()
