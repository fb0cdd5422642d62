console.error('slipway scheduler: not built yet');
process.exit(1);
