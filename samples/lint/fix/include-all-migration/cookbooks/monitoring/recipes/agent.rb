package 'node-exporter'
