/* zChat widget: the snippet's first line as a file, for pages whose CSP forbids inline scripts. Takes data-global. */
// biome-ignore lint/complexity/useArrowFunction: a classic script for any browser, kept tiny
;(function (s, w) {
  // biome-ignore lint/complexity/useOptionalChain: ES5, as every page's browser reads it
  var n = (s && s.getAttribute('data-global')) || 'zchat'
  w[n] =
    w[n] ||
    function () {
      // biome-ignore lint/complexity/noArguments: the queue keeps arguments objects, as the inline snippet does
      // biome-ignore lint/suspicious/noAssignInExpressions: the snippet's own idiom, which the loader recognises
      ;(w[n].q = w[n].q || []).push(arguments)
    }
})(document.currentScript, window)
