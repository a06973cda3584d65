# ps_add_plugin(NAME SOURCES src... [LIBS target...] [NO_INSTALL])
# A source plugin is a MODULE library named exactly NAME.so, built into
# <build>/plugins (where the uninstalled parscore looks first) and installed
# into lib/parscore/plugins, unless NO_INSTALL (examples and test plugins
# stay out of the production plugin directory).  It sees only the public
# header.
function(ps_add_plugin name)
  cmake_parse_arguments(P "NO_INSTALL" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} MODULE ${P_SOURCES})
  set_target_properties(${name} PROPERTIES PREFIX "" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${PS_PLUGIN_BUILD_DIR})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/core/include)
  if(P_LIBS)
    target_link_libraries(${name} PRIVATE ${P_LIBS})
  endif()
  if(NOT P_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION ${PS_PLUGIN_INSTALL_DIR})
  endif()
endfunction()
