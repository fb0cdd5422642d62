console.error('slipway builder: not built yet');
process.exit(1);
