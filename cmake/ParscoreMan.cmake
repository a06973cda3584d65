# Man pages, generated so they cannot drift from what they describe:
#   parscore(1)          from `parscore --help` and `--version` (help2man),
#                        plus docs/man/parscore.h2m (files, environment)
#   parscore-job(5)      from docs/jobs.md     (lowdown, Markdown -> man)
#   parscore-rules(7)    from docs/rules.md
#   parscore-plugins(7)  from docs/plugins.md
# Both tools are Debian packages (tools/install-deps.sh); without them the
# pages are skipped with a message, never a failed build.
find_program(HELP2MAN help2man)
find_program(LOWDOWN lowdown)
set(PS_MAN_DIR ${CMAKE_BINARY_DIR}/man)
if(NOT HELP2MAN OR NOT LOWDOWN)
  message(STATUS "man pages: help2man or lowdown not found, not built")
  return()
endif()

set(PS_MAN_PAGES "")
add_custom_command(OUTPUT ${PS_MAN_DIR}/parscore.1
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PS_MAN_DIR}
  COMMAND ${HELP2MAN} --no-info --section=1 --include=${CMAKE_SOURCE_DIR}/docs/man/parscore.h2m
          --output=${PS_MAN_DIR}/parscore.1 $<TARGET_FILE:parscore>
  DEPENDS parscore ${CMAKE_SOURCE_DIR}/docs/man/parscore.h2m
  COMMENT "man page parscore(1) from --help")
list(APPEND PS_MAN_PAGES ${PS_MAN_DIR}/parscore.1)

# name section doc title
foreach(page "parscore-job;5;jobs;parscore job files: what to read, how to score, what to write"
              "parscore-rules;7;rules;writing parscore scoring rules in Lua"
              "parscore-plugins;7;plugins;writing a parscore source plugin")
  list(GET page 0 name)
  list(GET page 1 sec)
  list(GET page 2 doc)
  list(GET page 3 what)
  set(out ${PS_MAN_DIR}/${name}.${sec})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${CMAKE_SOURCE_DIR}/docs/${doc}.md -DOUT=${out}
            -DNAME=${name} -DSECTION=${sec} "-DWHAT=${what}" -DVERSION=${PROJECT_VERSION}
            -DLOWDOWN=${LOWDOWN} -P ${CMAKE_SOURCE_DIR}/cmake/md2man.cmake
    DEPENDS ${CMAKE_SOURCE_DIR}/docs/${doc}.md ${CMAKE_SOURCE_DIR}/cmake/md2man.cmake
    COMMENT "man page ${name}(${sec}) from docs/${doc}.md")
  list(APPEND PS_MAN_PAGES ${out})
endforeach()

add_custom_target(man ALL DEPENDS ${PS_MAN_PAGES})
install(FILES ${PS_MAN_DIR}/parscore.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PS_MAN_DIR}/parscore-job.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${PS_MAN_DIR}/parscore-rules.7 ${PS_MAN_DIR}/parscore-plugins.7
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man7)
