package 'prometheus-node-exporter'
