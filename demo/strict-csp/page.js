// The site's own script (allowed by script-src 'self'): it may call zchat() before widget.js has loaded,
// as the stub queues the calls.
document.querySelector('.talk').addEventListener('click', () => zchat('open'))
