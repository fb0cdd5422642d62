console.error('slipway cli: not built yet');
process.exit(1);
